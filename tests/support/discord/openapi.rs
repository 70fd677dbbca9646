//! Discord's own OpenAPI 3.1 description, used to keep the stand-in honest: every request body
//! the bot sends and every JSON body the stand-in answers is validated against the schema
//! Discord publishes for that path, method and status.
//!
//! The document (~1 MB) is parsed once per test process and shared; validators are compiled
//! lazily, once per schema location, because a benchmark pushes a thousand interactions through.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

/// The URI the document is registered under, so `$ref`s like `#/components/schemas/X` inside it
/// resolve against it.
const DOC_URI: &str = "https://discord.invalid/openapi.json";

/// Which way a validated body travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the bot to the stand-in.
    Request,
    /// Answered by the stand-in.
    Response,
}

/// A body that does not match Discord's schema.
#[derive(Debug, Clone)]
pub struct Violation {
    pub direction: Direction,
    pub method: String,
    /// The concrete path, relative to `/api/v10`.
    pub path: String,
    /// The response status (or 0 for a request).
    pub status: u16,
    /// The schema location in the document, e.g. `/paths/~1gateway/get/responses/200/...`.
    pub schema: String,
    pub errors: Vec<String>,
    pub body: Value,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} {} {} (status {}) against {}:\n  - {}\n  body: {}",
            self.direction,
            self.method,
            self.path,
            self.status,
            self.schema,
            self.errors.join("\n  - "),
            self.body
        )
    }
}

/// The outcome of checking one body against the spec.
#[derive(Debug)]
pub enum Check {
    /// The document describes no JSON body for this path, method (and status).
    NoSchema,
    Valid,
    Invalid(Violation),
}

impl Check {
    pub fn violation(self) -> Option<Violation> {
        match self {
            Check::Invalid(v) => Some(v),
            _ => None,
        }
    }

    /// Whether a schema was found and applied.
    pub fn was_checked(&self) -> bool {
        !matches!(self, Check::NoSchema)
    }
}

/// A path template of the document split into segments, `None` for a `{parameter}`.
struct Template {
    text: String,
    segments: Vec<Option<String>>,
}

pub struct Spec {
    doc: &'static Value,
    registry: Registry<'static>,
    templates: Vec<Template>,
    /// Compiled validators by JSON pointer into the document.
    cache: Mutex<HashMap<String, Arc<Validator>>>,
}

/// The shared spec of this test process, loaded on first use.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::load)
}

/// Where CI and developers lay out the spec: beside the crate, in `shared/`.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/discord-api-spec/openapi.json")
}

impl Spec {
    fn load() -> Spec {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("reading Discord's OpenAPI spec at {}: {e}", path.display())
        });
        let doc: &'static Value = Box::leak(Box::new(
            serde_json::from_str(&text).expect("openapi.json is JSON"),
        ));
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(DOC_URI, doc)
            .expect("register the OpenAPI document")
            .prepare()
            .expect("index the OpenAPI document");
        let templates = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(|text| Template {
                text: text.clone(),
                segments: text
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect(),
            })
            .collect();
        Spec {
            doc,
            registry,
            templates,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The document's path template for a concrete path (relative to `/api/v10`, no query).
    /// Literal segments beat parameters, so `/messages/@original` wins over `/messages/{id}`.
    pub fn template_for(&self, path: &str) -> Option<&str> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.templates
            .iter()
            .filter(|t| t.segments.len() == parts.len())
            .filter(|t| {
                t.segments
                    .iter()
                    .zip(&parts)
                    .all(|(seg, part)| seg.as_deref().is_none_or(|lit| lit == *part))
            })
            .max_by_key(|t| t.segments.iter().filter(|s| s.is_some()).count())
            .map(|t| t.text.as_str())
    }

    /// Pointer to the request body schema of `method path` for a content type.
    fn request_pointer(&self, template: &str, method: &str, content_type: &str) -> Option<String> {
        let method = method.to_ascii_lowercase();
        let content = &self.doc["paths"][template][&method]["requestBody"]["content"];
        let media = if content.get(content_type).is_some() {
            content_type
        } else {
            "application/json"
        };
        content.get(media)?.get("schema")?;
        Some(format!(
            "/paths/{}/{method}/requestBody/content/{}/schema",
            escape(template),
            escape(media)
        ))
    }

    /// Pointer to the JSON response schema of `method path` for a status, following the
    /// `4XX`-style ranges and `$ref`s to shared responses.
    fn response_pointer(&self, template: &str, method: &str, status: u16) -> Option<String> {
        let method = method.to_ascii_lowercase();
        let responses = &self.doc["paths"][template][&method]["responses"];
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let key = [exact.as_str(), range.as_str(), "default"]
            .into_iter()
            .find(|k| responses.get(*k).is_some())?;
        let mut base = format!("/paths/{}/{method}/responses/{key}", escape(template));
        let mut response = &responses[key];
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            base = reference.trim_start_matches('#').to_owned();
            response = self.doc.pointer(&base)?;
        }
        response
            .get("content")?
            .get("application/json")?
            .get("schema")?;
        Some(format!("{base}/content/application~1json/schema"))
    }

    /// Validates a body the bot sent.
    pub fn check_request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &Value,
    ) -> Check {
        let Some(pointer) = self
            .template_for(path)
            .and_then(|t| self.request_pointer(t, method, content_type))
        else {
            return Check::NoSchema;
        };
        let mut body = body.clone();
        accept_documented_forms(&mut body);
        self.check(Direction::Request, method, path, 0, pointer, &body)
    }

    /// Validates a body the stand-in answers.
    pub fn check_response(&self, method: &str, path: &str, status: u16, body: &Value) -> Check {
        let Some(pointer) = self
            .template_for(path)
            .and_then(|t| self.response_pointer(t, method, status))
        else {
            return Check::NoSchema;
        };
        self.check(Direction::Response, method, path, status, pointer, body)
    }

    fn check(
        &self,
        direction: Direction,
        method: &str,
        path: &str,
        status: u16,
        pointer: String,
        body: &Value,
    ) -> Check {
        let errors = self.errors_at(&pointer, body);
        if errors.is_empty() {
            return Check::Valid;
        }
        Check::Invalid(Violation {
            direction,
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            schema: pointer,
            errors,
            body: body.clone(),
        })
    }

    /// Validates `body` against the schema at a JSON pointer into the document, e.g.
    /// `/components/schemas/MessageResponse`; returns the errors (empty = valid).
    pub fn errors_at(&self, pointer: &str, body: &Value) -> Vec<String> {
        let validator = self.validator(pointer);
        validator
            .iter_errors(body)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect()
    }

    fn validator(&self, pointer: &str) -> Arc<Validator> {
        let mut cache = self.cache.lock().unwrap();
        if let Some(v) = cache.get(pointer) {
            return v.clone();
        }
        // A one-line schema pointing into the registered document: its inner `$ref`s then
        // resolve against the document without copying any of it.
        let root = json!({ "$ref": format!("{DOC_URI}#{}", fragment(pointer)) });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(&self.registry)
            .build(&root)
            .unwrap_or_else(|e| panic!("compiling the schema at {pointer}: {e}"));
        let validator = Arc::new(validator);
        cache.insert(pointer.to_owned(), validator.clone());
        validator
    }
}

/// Where the spec is stricter than Discord's documented (and serenity's actual) requests,
/// rewrites the documented form into the spec's before validating, so only real mistakes
/// remain. Each case is narrow on purpose:
/// - `default_member_permissions`: the spec says integer, Discord documents permission
///   bitfields as strings, and serenity sends `"32"`;
/// - `attachments[].id`: the spec says snowflake string, Discord documents the `files[n]` index
///   for new uploads, and serenity sends `0`.
fn accept_documented_forms(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(v) = map.get_mut("default_member_permissions")
                && let Some(n) = v.as_str().and_then(|s| s.parse::<u64>().ok())
            {
                *v = json!(n);
            }
            if let Some(Value::Array(attachments)) = map.get_mut("attachments") {
                for a in attachments {
                    if let Some(id) = a.get("id").filter(|id| id.is_u64()).cloned() {
                        a["id"] = json!(id.to_string());
                    }
                }
            }
            map.values_mut().for_each(accept_documented_forms);
        }
        Value::Array(items) => items.iter_mut().for_each(accept_documented_forms),
        _ => {}
    }
}

/// JSON-pointer escaping of one token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer made safe for a URI fragment (path templates contain `{` and `}`).
fn fragment(pointer: &str) -> String {
    pointer.replace('{', "%7B").replace('}', "%7D")
}
