//! The napi boundary, and nothing else: JavaScript objects in, plain objects out, every failure a
//! rejected Promise carrying an `Error` with a stable `code` (and the HTTP `status` where there was
//! one). The 8x8 logic lives in the modules below; this file only adapts it.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod http;

use std::future::Future;

use napi::bindgen_prelude::{JsValue, PromiseRaw, ToNapiValue};
use napi::{Env, Status};
use napi_derive::napi;

pub use error::{Error, ErrorCode};

/// Runs `work` on napi's tokio runtime and settles a Promise with its outcome. Errors become
/// real JS `Error`s whose `code` is ours (`NETWORK`, `TIMEOUT`, …) rather than napi's generic
/// status names, with `status` set when 8x8 answered with an HTTP error. A panic inside `work`
/// rejects the Promise; it never aborts the Node process.
fn settle<'env, T, F>(env: &'env Env, work: F) -> napi::Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { Ok(work.await) }, |env, outcome| {
        outcome.map_err(|err| to_js_error(env, err))
    })
}

fn to_js_error(env: &Env, err: Error) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut js = env.create_error(napi::Error::new(
            Status::GenericFailure,
            err.message.clone(),
        ))?;
        js.set("code", err.code.as_str())?;
        if let Some(status) = err.status {
            js.set("status", u32::from(status))?;
        }
        Ok(napi::Error::from(js.to_unknown()))
    };
    // Building the object only fails while the environment shuts down; keep the message then.
    build().unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, err.to_string()))
}

/// What this binary is: used by the loader test and by support to see which build answered.
#[napi(object)]
pub struct AddonInfo {
    /// Package version, the same as `version` in package.json.
    pub version: String,
    /// The Rust target triple this binary was built for, e.g. `x86_64-unknown-linux-musl`.
    pub target: String,
    /// The TLS implementation used for every 8x8 call (`rustls`; never OpenSSL).
    pub tls_backend: String,
    /// Where the trusted CA roots come from: `platform` (the OS store) or `bundled` (Mozilla's).
    pub tls_roots: String,
}

/// Describes the loaded addon. Building the shared HTTPS client is part of the answer, so a
/// successful call proves that the binary loaded, tokio runs and TLS can be set up here.
#[napi(ts_return_type = "Promise<AddonInfo>")]
pub fn addon_info(env: &Env) -> napi::Result<PromiseRaw<'_, AddonInfo>> {
    settle(env, async {
        let http = http::shared()?;
        Ok(AddonInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            target: env!("EIGHTBYEIGHT_TARGET").to_owned(),
            tls_backend: "rustls".to_owned(),
            tls_roots: http.roots.as_str().to_owned(),
        })
    })
}
