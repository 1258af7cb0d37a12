//! `muchan serve` (SPEC §18): what-if settings in the browser. The data are read and measured
//! once ([`Evaluator::start`]); the page (report.html of the start settings with a settings
//! panel) and the JSON API re-rate them under other settings, one evaluation at a time.
//!
//! Files: [`evaluator`] holds the state and the API's answers (no HTTP), `routes` maps the
//! fixed list of paths to them (every other path is 404, and no part of a path reaches the
//! file system), `page` puts the settings panel (`panel.css`, `panel.js`) into the report.

pub mod evaluator;
mod page;
mod routes;

use anyhow::Context;
pub use evaluator::{Answer, Evaluator, Mover, ServeError, Summary};
use std::net::SocketAddr;

/// Request bodies over this many bytes are refused with 413.
pub const MAX_BODY: usize = 1 << 20;

/// Serves `evaluator` on `listen` until the process ends; `ready` is told the address bound
/// (port 0 picks a free one) before the first request is taken.
pub fn run(evaluator: Evaluator, listen: SocketAddr, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let page = page::page(&evaluator)?;
    let app = routes::router(evaluator, page);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_io().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        ready(listener.local_addr()?);
        axum::serve(listener, app).await?;
        Ok(())
    })
}
