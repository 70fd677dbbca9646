//! The HTTP side: one axum server on 127.0.0.1 with the gateway at `/gateway`, hosted files at
//! `/files/...`, and every `/api/v10/...` request through one handler that checks faults,
//! validates against the OpenAPI spec, applies the route and records it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State as AxumState, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::multipart;
use super::objects;
use super::openapi::{Check, spec};
use super::rest::{self, Incoming, Reply};
use super::state::{Recorded, State, Upload};

const API_PREFIX: &str = "/api/v10";

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/gateway", get(gateway))
        .route("/files/{id}/{name}", get(file))
        .fallback(api)
        // Attachments ride in request bodies; axum's 2 MB default would cut a real CSV.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

async fn gateway(AxumState(state): AxumState<Arc<State>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| super::gateway::serve(state, socket))
}

async fn file(AxumState(state): AxumState<Arc<State>>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    let bytes = state.update(|d| {
        let bytes = d.files.get(&path).cloned();
        if bytes.is_some() {
            *d.downloads.entry(path.clone()).or_default() += 1;
        }
        bytes
    });
    match bytes {
        Some(bytes) => bytes.into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn api(
    AxumState(state): AxumState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let method = method.as_str().to_owned();
    let Some(path) = uri.path().strip_prefix(API_PREFIX).map(str::to_owned) else {
        let why = format!("{method} {}: outside {API_PREFIX}", uri.path());
        state.update(|d| d.failures.push(why));
        return json_response(404, Some(objects::error("404: Not Found", 0)));
    };
    let query = uri
        .query()
        .unwrap_or_default()
        .trim_start_matches('&')
        .to_owned();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let (body, uploads, bad_body) = decode_body(&content_type, &raw);
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();

    let request_check = if body.is_null() {
        Check::NoSchema
    } else {
        spec().check_request(&method, &path, &media, &body)
    };

    let incoming = Incoming {
        method: &method,
        path: &path,
        body: &body,
        uploads: &uploads,
    };
    let authorized = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == format!("Bot {}", super::TOKEN).as_bytes());
    let reply = match (bad_body, take_fault(&state, &method, &path)) {
        _ if !authorized => Reply {
            status: 401,
            body: Some(objects::error("401: Unauthorized", 0)),
            failure: Some(format!("{method} {path}: missing or wrong bot token")),
        },
        (Some(why), _) => Reply {
            status: 400,
            body: Some(objects::error("Invalid Form Body", 50035)),
            failure: Some(format!("{method} {path}: {why}")),
        },
        (None, Some(status)) => Reply {
            status,
            body: Some(objects::error("Injected failure", 0)),
            failure: None,
        },
        (None, None) => {
            let s = &*state;
            // Apply under the lock; the request is recorded (below) only once this is done.
            rest::route(s, &mut s.lock(), &incoming)
        }
    };

    let response_check = match &reply.body {
        Some(b) => spec().check_response(&method, &path, reply.status, b),
        None => Check::NoSchema,
    };

    state.update(|d| {
        d.checked_requests += usize::from(request_check.was_checked());
        d.checked_responses += usize::from(response_check.was_checked());
        d.violations.extend(request_check.violation());
        d.violations.extend(response_check.violation());
        d.failures.extend(reply.failure.clone());
        d.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            query,
            body,
            files: uploads,
            status: reply.status,
            response: reply.body.clone().unwrap_or(Value::Null),
        });
    });
    json_response(reply.status, reply.body)
}

/// Consumes one matching fault, if any, and returns the status to answer.
fn take_fault(state: &State, method: &str, path: &str) -> Option<u16> {
    state.update(|d| {
        let fault = d
            .faults
            .iter_mut()
            .find(|f| f.times > 0 && f.method == method && path.starts_with(&f.path_prefix))?;
        fault.times -= 1;
        Some(fault.status)
    })
}

/// The JSON body (or the `payload_json` part of a multipart body) and its files; the third
/// value says why the body could not be read.
fn decode_body(content_type: &str, raw: &[u8]) -> (Value, Vec<Upload>, Option<String>) {
    if raw.is_empty() {
        return (Value::Null, Vec::new(), None);
    }
    if content_type.starts_with("multipart/form-data") {
        let parts = match multipart::parse(content_type, raw) {
            Ok(parts) => parts,
            Err(e) => return (Value::Null, Vec::new(), Some(format!("multipart: {e}"))),
        };
        let mut body = Value::Null;
        let mut uploads = Vec::new();
        for part in parts {
            if part.name == "payload_json" {
                match serde_json::from_slice(&part.data) {
                    Ok(v) => body = v,
                    Err(e) => return (Value::Null, Vec::new(), Some(format!("payload_json: {e}"))),
                }
            } else {
                uploads.push(Upload {
                    filename: part.filename.unwrap_or_else(|| part.name.clone()),
                    field: part.name,
                    bytes: part.data,
                });
            }
        }
        return (body, uploads, None);
    }
    match serde_json::from_slice(raw) {
        Ok(v) => (v, Vec::new(), None),
        Err(e) => (Value::Null, Vec::new(), Some(format!("JSON body: {e}"))),
    }
}

fn json_response(status: u16, body: Option<Value>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        Some(body) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        None => status.into_response(),
    }
}
