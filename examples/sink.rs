//! A minimal local target for the benchmarks in `benches/`: reads each request's
//! body, as a real receiver would, and answers `200 ok`. HTTP/1.1 keep-alive, and
//! h2c when a client asks for it.
//!
//! `cargo run --release --example sink -- [ADDR]` (default `127.0.0.1:0`) prints
//! `listening on ADDR` once bound, then serves until killed. `TARGET_THREADS`
//! sets its worker threads (default: one per core).

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};

fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = std::env::var("TARGET_THREADS").ok().and_then(|t| t.parse().ok()) {
        runtime.worker_threads(threads);
    }
    runtime.enable_all().build()?.block_on(serve(addr))
}

async fn serve(addr: String) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|req: Request<Incoming>| async move {
                let _ = req.into_body().collect().await;
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
