//! A small static file server for `dist/`, serving files exactly as a static host does: no
//! fallback to `index.html` for unknown paths, a 404 instead.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

pub struct Running {
    pub port: u16,
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request path onto a file under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let path = request_path.split(['?', '#']).next().unwrap_or("");
    let mut file = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn respond(mut stream: TcpStream, root: &Path) {
    let mut request_line = String::new();
    let mut reader = BufReader::new(&stream);
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers.
    let mut header = String::new();
    while reader
        .read_line(&mut header)
        .map(|n| n > 2)
        .unwrap_or(false)
    {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let response = match (method, resolve(root, target)) {
        ("GET" | "HEAD", Some(file)) => match std::fs::read(&file) {
            Ok(body) => Some((200, "OK", content_type(&file), body)),
            Err(_) => None,
        },
        ("GET" | "HEAD", None) => None,
        _ => Some((
            405,
            "Method Not Allowed",
            "text/plain",
            b"method not allowed\n".to_vec(),
        )),
    };
    let (code, reason, kind, body) =
        response.unwrap_or((404, "Not Found", "text/plain", b"not found\n".to_vec()));
    let head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}

fn accept_loop(listener: TcpListener, root: PathBuf) {
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        thread::spawn(move || respond(stream, &root));
    }
}

/// Serves `root` in a background thread on `port` (0 picks a free port).
pub fn spawn(root: &Path, port: u16) -> Result<Running, String> {
    let listener = bind(port)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let root = root.to_path_buf();
    thread::spawn(move || accept_loop(listener, root));
    Ok(Running { port })
}

/// Serves `root` on `port` until the process is stopped.
pub fn serve_forever(root: &Path, port: u16) -> Result<(), String> {
    let listener = bind(port)?;
    println!("\nOffset Express is being served at http://127.0.0.1:{port}/  (Ctrl+C to stop)");
    accept_loop(listener, root.to_path_buf());
    Ok(())
}
