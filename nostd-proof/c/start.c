/* Entry point for the no_std proof, linked with -nostartfiles -nostdlib: no libc at all.
 * `_start` aligns the stack as the C ABI expects, calls the Rust check, and exits with its
 * result through the raw exit syscall. */
int ct_nostd_proof(void);

__attribute__((noreturn, used)) static void start_c(void) {
    long code = ct_nostd_proof();
#if defined(__x86_64__)
    __asm__ volatile("syscall" : : "a"(60), "D"(code) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
    register long x0 __asm__("x0") = code;
    register long x8 __asm__("x8") = 93;
    __asm__ volatile("svc 0" : : "r"(x0), "r"(x8) : "memory");
#endif
    for (;;) {}
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\txor %rbp, %rbp\n\tand $-16, %rsp\n\tcall start_c\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tand x0, x0, #-16\n\tmov sp, x0\n\tbl start_c\n");
#else
#error "no_std proof: unsupported host architecture"
#endif
