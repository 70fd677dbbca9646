//! The moderation console on a free loopback port, and an HTTP client for it that keeps its
//! cookies and reads pages with CSS selectors.

use std::collections::HashMap;
use std::net::SocketAddr;

use herald::app::App;
use herald::console::{ConsoleConfig, console_routes};
use scraper::{Html, Selector};

pub const PASSWORD: &str = "correct horse battery";

/// Serves the console of `app` until the test ends; returns its base URL.
pub async fn serve_console(app: &App) -> String {
    serve_console_with(app, ConsoleConfig::default()).await
}

pub async fn serve_console_with(app: &App, config: ConsoleConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes =
        console_routes(app.clone(), config).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    base
}

/// A response, with its HTML parsed.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub html: Html,
    pub text: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The texts of the elements `css` selects, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
        self.html
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text_of(&self, css: &str) -> String {
        self.texts(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing matches {css} in:\n{}", self.text))
    }

    pub fn count(&self, css: &str) -> usize {
        self.texts(css).len()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        let selector = Selector::parse(css).unwrap();
        self.html
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(attr))
            .unwrap_or_else(|| panic!("no {attr} on {css} in:\n{}", self.text))
            .to_owned()
    }
}

/// A browser without a browser: follows no redirect by itself, keeps cookies.
pub struct ConsoleClient {
    pub base: String,
    http: reqwest::Client,
    pub cookies: HashMap<String, String>,
    /// The cookies' attributes as last set, for checking them.
    pub set_cookies: Vec<String>,
}

impl ConsoleClient {
    pub fn new(base: &str) -> ConsoleClient {
        ConsoleClient {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            set_cookies: Vec::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = match cookie.is_empty() {
            true => request,
            false => request.header("cookie", cookie),
        };
        let response = request.send().await.expect("console answers");
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap().to_owned();
            let (pair, attrs) = set.split_once(';').unwrap_or((&set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookies.push(set.clone());
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Page {
            status,
            headers,
            html: Html::parse_document(&text),
            text,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }

    /// Posts `form` with the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, action: &str, form: &[(&str, &str)]) -> Page {
        let page = self.get(from).await;
        let csrf = page.attr("input[name=csrf]", "value");
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields).await
    }

    /// Signs in through the form; returns the answer to the form.
    pub async fn sign_in(&mut self, name: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[("name", name), ("password", password)],
        )
        .await
    }
}
