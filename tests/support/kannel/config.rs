//! `kannel.conf` for one instance: the template beside this file with fresh loopback ports and
//! the instance's directory filled in.

use std::net::TcpListener;
use std::path::Path;

const TEMPLATE: &str = include_str!("kannel.conf.tmpl");

/// The ports one Kannel instance listens on.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    /// bearerbox admin HTTP (`status.txt`).
    pub admin: u16,
    /// bearerbox <-> smsbox.
    pub boxes: u16,
    /// smsbox `sendsms`.
    pub sendsms: u16,
    /// The SMSC's callback port the operator reports to (binds 0.0.0.0).
    pub smsc_http: u16,
}

impl Ports {
    /// Four distinct ports the kernel just handed out, all held open together while choosing.
    pub fn fresh() -> Ports {
        let listeners: Vec<TcpListener> = (0..4)
            .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free loopback port"))
            .collect();
        let port = |i: usize| listeners[i].local_addr().expect("local addr").port();
        Ports {
            admin: port(0),
            boxes: port(1),
            sendsms: port(2),
            smsc_http: port(3),
        }
    }
}

/// The configuration text; logs go to `dir`, messages to the operator on `operator_port`.
pub fn render(ports: Ports, operator_port: u16, dir: &Path, mo_url: Option<&str>) -> String {
    // `%p` the phone, `%a` the whole text; an empty answer sends no reply to the phone.
    let mo_service = match mo_url {
        Some(url) => {
            format!("get-url = \"{url}&from=%p&text=%a\"\nomit-empty = true\nmax-messages = 0")
        }
        None => "text = \"No service specified\"".to_owned(),
    };
    let conf = TEMPLATE
        .replace("@MO_SERVICE@", &mo_service)
        .replace("@ADMIN_PORT@", &ports.admin.to_string())
        .replace("@BOX_PORT@", &ports.boxes.to_string())
        .replace("@SENDSMS_PORT@", &ports.sendsms.to_string())
        .replace("@SMSC_HTTP_PORT@", &ports.smsc_http.to_string())
        .replace("@OP_PORT@", &operator_port.to_string())
        .replace("@DIR@", &dir.display().to_string());
    let settings: Vec<&str> = conf
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    if let Some(left) = settings.iter().find(|l| l.contains('@')) {
        panic!("kannel.conf.tmpl: placeholder left unfilled: {left}");
    }
    // Without these smsbox drops DLR callbacks to an endpoint that is briefly down.
    for needed in ["http-request-retry", "http-queue-delay", "dlr-storage"] {
        assert!(
            settings.iter().any(|l| l.trim_start().starts_with(needed)),
            "kannel.conf.tmpl must set {needed}"
        );
    }
    conf
}
