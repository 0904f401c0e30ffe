//! A small HTTP/1.1 server on `std::net`: one thread per connection, keep-alive, bodies
//! by `Content-Length` only, and server-sent event streams.
//!
//! The classroom serves one room to a few dozen browsers on a local network. A thread per
//! connection (each parked in a blocking read most of the time) handles that with no
//! runtime, no dependency and a clean build measured in seconds; see [`super`] for the
//! choice against axum on tokio. Everything a client sends is untrusted: header and body
//! sizes are capped, the number of connections is capped, and an idle connection is
//! closed after [`IDLE`].

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Longest request head (request line and headers) accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Longest request body accepted (a decision or a name is a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;
/// Most connections served at once; beyond, a new connection gets 503 and is closed.
pub const MAX_CONNECTIONS: usize = 512;
/// A keep-alive connection with no request for this long is closed.
pub const IDLE: Duration = Duration::from_secs(60);

/// One parsed request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// Query parameters in order, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Headers with lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter named `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with this status, type and body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response::new(status, "application/json", value.to_string())
    }

    /// A JSON error: `{"error": message}` with this status.
    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Response::json(status, &serde_json::json!({ "error": message.into() }))
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// A server-sent event stream: called with the connection once the headers are sent;
/// returns when the client has gone or the stream is over.
pub type Stream = Box<dyn FnOnce(&mut dyn Write) -> io::Result<()> + Send>;

/// What a handler answers.
pub enum Reply {
    /// A response, after which the connection may serve another request.
    Full(Response),
    /// An event stream that holds the connection until it returns.
    Events(Stream),
}

/// Handles one request.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Serves `listener` forever, one thread per connection.
pub fn serve(listener: TcpListener, handler: Handler) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = write_response(
                &mut stream,
                &Response::error(503, "too many connections"),
                false,
            );
            continue;
        }
        let handler = Arc::clone(&handler);
        let counter = Arc::clone(&open);
        let spawned = std::thread::Builder::new()
            .name("classroom-connection".into())
            .stack_size(256 * 1024)
            .spawn(move || {
                let _ = connection(stream, &handler);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Serves requests on one connection until it closes, idles out or turns into a stream.
fn connection(stream: TcpStream, handler: &Handler) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(Bad(status, why)) => {
                if status != 0 {
                    write_response(&mut writer, &Response::error(status, why), false)?;
                }
                return Ok(());
            }
        };
        let keep = !request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        match handler(&request) {
            Reply::Full(response) => {
                write_response(&mut writer, &response, keep)?;
                if !keep {
                    return Ok(());
                }
            }
            Reply::Events(stream) => {
                writer.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                      Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n\
                      Connection: close\r\n\r\n",
                )?;
                writer.flush()?;
                return stream(&mut writer);
            }
        }
    }
}

/// A request that cannot be served: status (0: just close) and why.
struct Bad(u16, String);

fn bad(status: u16, why: &str) -> Bad {
    Bad(status, why.to_string())
}

/// Reads one request; `Ok(None)` at a clean end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<Request>, Bad> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take((MAX_HEAD + 1 - head.len()) as u64)
            .read_until(b'\n', &mut line)
            .map_err(|_| Bad(0, String::new()))?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(Bad(0, String::new()))
            };
        }
        if head.len() + line.len() > MAX_HEAD {
            return Err(bad(431, "request head too large"));
        }
        let blank = line == b"\r\n" || line == b"\n";
        if blank && head.is_empty() {
            continue; // stray line breaks between requests (RFC 9112 §2.2)
        }
        head.extend_from_slice(&line);
        if blank {
            break;
        }
    }
    let head = String::from_utf8(head).map_err(|_| bad(400, "request head is not UTF-8"))?;
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad(505, "HTTP/1.x only"));
    }
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(400, "malformed header"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Request {
        method: method.to_string(),
        path: percent_decode(path),
        query: parse_query(query),
        headers,
        body: Vec::new(),
    };
    if request.header("transfer-encoding").is_some() {
        return Err(bad(411, "send the body with a Content-Length"));
    }
    if let Some(length) = request.header("content-length") {
        let length: usize = length.parse().map_err(|_| bad(400, "bad Content-Length"))?;
        if length > MAX_BODY {
            return Err(bad(413, "request body too large"));
        }
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|_| Bad(0, String::new()))?;
        request.body = body;
    }
    Ok(Some(request))
}

/// `a=1&b=%20x` → pairs, percent- and plus-decoded.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept or replaced, never fatal.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

/// Writes `response` with the security headers every classroom page carries.
fn write_response(out: &mut impl Write, response: &Response, keep: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n\
         Content-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; frame-ancestors 'none'\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len(),
        if keep { "keep-alive" } else { "close" }
    );
    for (name, value) in &response.headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(&response.body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_percent_and_plus_decoded() {
        assert_eq!(
            parse_query("token=ab%20c&name=Ana+Lu&x"),
            vec![
                ("token".to_string(), "ab c".to_string()),
                ("name".to_string(), "Ana Lu".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41"), "A");
    }
}
