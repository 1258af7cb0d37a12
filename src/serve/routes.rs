//! The paths of `muchan serve` (SPEC §18): `GET /`, `GET /api/summary`, `POST /api/evaluate`,
//! `GET /api/outputs/<file>` for a file of the fixed list, and 404 for everything else (other
//! methods included). Bodies over [`MAX_BODY`] get 413; a tokio mutex lets one evaluation
//! run at a time (a second waits), the work itself on the blocking pool.

use super::{Evaluator, MAX_BODY, ServeError};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::sync::Arc;

/// What every request reads.
struct App {
    evaluator: Evaluator,
    /// The page of `GET /`, made once.
    page: String,
    /// Held while an evaluation runs.
    turn: tokio::sync::Mutex<()>,
}

pub fn router(evaluator: Evaluator, page: String) -> Router {
    let app = Arc::new(App { evaluator, page, turn: tokio::sync::Mutex::new(()) });
    Router::new()
        .route("/", get(index))
        .route("/api/summary", get(summary))
        .route("/api/evaluate", post(evaluate))
        .route("/api/outputs/{file}", get(output))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

async fn index(State(app): State<Arc<App>>) -> Html<String> {
    Html(app.page.clone())
}

async fn summary(State(app): State<Arc<App>>) -> Response {
    answer(app.evaluator.summary())
}

async fn evaluate(State(app): State<Arc<App>>, body: String) -> Response {
    let _turn = app.turn.lock().await;
    let worker = app.clone();
    blocking(move || worker.evaluator.evaluate(&body)).await
}

async fn output(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let worker = app.clone();
    let made = tokio::task::spawn_blocking(move || worker.evaluator.output(&file).map(|bytes| (file, bytes))).await;
    match made {
        Ok(Some((file, Ok(bytes)))) => ([(header::CONTENT_TYPE, content_type(&file))], bytes).into_response(),
        Ok(Some((_, Err(e)))) => error(&e),
        Ok(None) => not_found().await,
        Err(e) => error(&ServeError::Internal(e.into())),
    }
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "not found" }))).into_response()
}

/// Runs `work` on the blocking pool and answers with its JSON.
async fn blocking<T: serde::Serialize + Send + 'static>(
    work: impl FnOnce() -> Result<T, ServeError> + Send + 'static,
) -> Response {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => answer(result),
        Err(e) => error(&ServeError::Internal(e.into())),
    }
}

fn answer<T: serde::Serialize>(result: Result<T, ServeError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => error(&e),
    }
}

/// 400 for settings that cannot be used, 500 for an evaluation that failed; the message as
/// the command line says it.
fn error(e: &ServeError) -> Response {
    let status = match e {
        ServeError::Settings(_) => StatusCode::BAD_REQUEST,
        ServeError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, Json(json!({ "error": e.to_string() }))).into_response()
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("geojson") => "application/geo+json",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/vnd.apache.parquet",
    }
}
