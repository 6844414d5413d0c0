/* Entry point of the footprint programs, linked -nostartfiles -nostdlib: reads stdin into a
 * buffer with raw syscalls, calls the Rust verifier with the time given at build time, and
 * exits with its result. Compiled separately from the Rust side, so nothing is folded. */
#ifndef NOW
#error "NOW (Unix seconds) must be defined"
#endif

int ct_footprint_verify(const unsigned char *input, unsigned long len, unsigned long long now);

static unsigned char input[8192];

#if defined(__x86_64__)
static long sys_read(long fd, void *buf, unsigned long n) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(0), "D"(fd), "S"(buf), "d"(n) : "rcx", "r11", "memory");
    return r;
}
__attribute__((noreturn)) static void sys_exit(long code) {
    __asm__ volatile("syscall" : : "a"(60), "D"(code) : "rcx", "r11", "memory");
    for (;;) {}
}
#elif defined(__aarch64__)
static long sys_read(long fd, void *buf, unsigned long n) {
    register long x0 __asm__("x0") = fd;
    register long x1 __asm__("x1") = (long)buf;
    register long x2 __asm__("x2") = (long)n;
    register long x8 __asm__("x8") = 63;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
    return x0;
}
__attribute__((noreturn)) static void sys_exit(long code) {
    register long x0 __asm__("x0") = code;
    register long x8 __asm__("x8") = 93;
    __asm__ volatile("svc 0" : : "r"(x0), "r"(x8) : "memory");
    for (;;) {}
}
#else
#error "footprint: unsupported host architecture"
#endif

__attribute__((noreturn, used)) static void start_c(void) {
    unsigned long len = 0;
    for (;;) {
        long n = sys_read(0, input + len, sizeof input - len);
        if (n <= 0 || len + n >= sizeof input) break;
        len += n;
    }
    sys_exit(ct_footprint_verify(input, len, NOW));
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\txor %rbp, %rbp\n\tand $-16, %rsp\n\tcall start_c\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tand x0, x0, #-16\n\tmov sp, x0\n\tbl start_c\n");
#endif
