//! A scripted HTTP/1.1 server on 127.0.0.1 for the `remote` tests (std-ext's
//! `tests/remote.rs`, and ctok's `tests/remote.rs` through `#[path]`): a std `TcpListener`
//! in a thread, one request per connection (`Connection: close`), each path answered as
//! set with [`Server::set`], requests counted per path. It only answers, and stops when
//! the [`Server`] is dropped.
#![allow(dead_code)] // each test crate uses a part

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server answers on a path.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Sent `Content-Length` (otherwise the body ends when the connection closes).
    pub sized: bool,
    /// Wait before answering.
    pub delay: Duration,
    /// Send the body one byte at a time, waiting this long before each.
    pub trickle: Option<Duration>,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: body.into().into_bytes(),
            sized: true,
            delay: Duration::ZERO,
            trickle: None,
        }
    }

    pub fn status(status: u16) -> Self {
        Self {
            status,
            ..Self::json("{}")
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn cache(self, value: &str) -> Self {
        self.header("Cache-Control", value)
    }
}

#[derive(Default)]
struct Routes {
    replies: HashMap<String, Reply>,
    hits: HashMap<String, usize>,
}

pub struct Server {
    addr: SocketAddr,
    routes: Arc<Mutex<Routes>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes = Arc::new(Mutex::new(Routes::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (Arc::clone(&routes), Arc::clone(&stop));
        thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let r = Arc::clone(&r);
                thread::spawn(move || serve(conn, &r));
            }
        });
        Self { addr, routes, stop }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.routes
            .lock()
            .unwrap()
            .replies
            .insert(path.into(), reply);
    }

    pub fn hits(&self, path: &str) -> usize {
        self.routes
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Wake the accept loop so it sees `stop` and ends.
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(mut conn: TcpStream, routes: &Mutex<Routes>) {
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("").to_owned();
    let reply = {
        let mut routes = routes.lock().unwrap();
        *routes.hits.entry(path.clone()).or_default() += 1;
        routes.replies.get(&path).cloned()
    };
    let reply = reply.unwrap_or_else(|| Reply::status(404));
    thread::sleep(reply.delay);
    let mut out = format!(
        "HTTP/1.1 {} Scripted\r\nConnection: close\r\n",
        reply.status
    );
    for (name, value) in &reply.headers {
        out += &format!("{name}: {value}\r\n");
    }
    if reply.sized {
        out += &format!("Content-Length: {}\r\n", reply.body.len());
    }
    out += "\r\n";
    if conn.write_all(out.as_bytes()).is_err() {
        return;
    }
    match reply.trickle {
        None => {
            let _ = conn.write_all(&reply.body);
        }
        Some(every) => {
            for b in &reply.body {
                thread::sleep(every);
                if conn.write_all(&[*b]).and_then(|()| conn.flush()).is_err() {
                    return;
                }
            }
        }
    }
}
