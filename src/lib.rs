//! The napi boundary, and nothing else: JavaScript objects in, plain objects out, every failure a
//! rejected Promise carrying an `Error` with a stable `code` (and the HTTP `status` where there was
//! one). The 8x8 logic lives in the modules below; this file only adapts it.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod auth;
mod chat;
mod config;
mod crm;
mod error;
mod http;

use std::future::Future;

use napi::bindgen_prelude::{JsValue, PromiseRaw, ToNapiValue, Unknown};
use napi::{Env, Status};
use napi_derive::napi;
use serde::de::DeserializeOwned;

pub use chat::{
    Channel, CognigySession, Conversation, CreateConversationOptions, CustomerDetails,
    ListChannelsOptions,
};
pub use config::{CrmConnection, OAuthConnection};
pub use crm::{Address, CustomerLookup, GetCustomerOptions, SimpleCustomer};
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

/// Reads an argument into one of the option types. A value JavaScript cannot express as JSON (a
/// function, a BigInt, a cycle) or a field of the wrong type becomes `INVALID_INPUT`, reported
/// through the returned Promise like every other error. `undefined` reads as absent.
fn argument<T: DeserializeOwned + Default>(
    env: &Env,
    name: &str,
    value: Option<Unknown<'_>>,
    required: bool,
) -> Result<T, Error> {
    let json: serde_json::Value = match value {
        Some(value) => env.from_js_value(value).map_err(|_| {
            Error::invalid(
                name,
                "must be a plain object of text and numbers (JSON-like)",
            )
        })?,
        None => serde_json::Value::Null,
    };
    match json {
        serde_json::Value::Null if required => Err(Error::invalid(name, "is required")),
        serde_json::Value::Null => Ok(T::default()),
        json => config::parse(name, json),
    }
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
    /// `release` for the optimised binaries of `npm run build`, `debug` for `npm run build:debug`.
    pub profile: String,
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
            profile: env!("EIGHTBYEIGHT_PROFILE").to_owned(),
        })
    })
}

/// Lists every chat channel of the tenant (all pages) on Chat Gateway (default) or Chat API v2,
/// for the Channel dropdown. Rejects with `code` `INVALID_INPUT` (before any request),
/// `AUTH_FAILED`, `NOT_FOUND`, `RATE_LIMITED`, `UPSTREAM_ERROR`, `TIMEOUT`, `NETWORK` or
/// `PROTOCOL`.
#[napi(
    ts_args_type = "connection: OAuthConnection, options?: ListChannelsOptions",
    ts_return_type = "Promise<Array<Channel>>"
)]
pub fn list_channels<'env>(
    env: &'env Env,
    connection: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, Vec<Channel>>> {
    let args = argument::<OAuthConnection>(env, "connection", connection, true).and_then(|c| {
        argument::<ListChannelsOptions>(env, "options", options, false).map(|o| (c, o))
    });
    settle(env, async move {
        let (connection, options) = args?;
        chat::list_channels(connection, options).await
    })
}

/// Starts a live chat in the 8x8 Agent Desktop: the channel's queue is offered the chat with the
/// customer details and the transcript as history. Resolves once 8x8 accepted it (HTTP 202).
/// One call never creates two conversations, also when requests are retried.
#[napi(
    ts_args_type = "options: CreateConversationOptions",
    ts_return_type = "Promise<Conversation>"
)]
pub fn create_conversation<'env>(
    env: &'env Env,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, Conversation>> {
    let options = argument::<CreateConversationOptions>(env, "options", options, true);
    settle(
        env,
        async move { chat::create_conversation(options?).await },
    )
}

/// Looks up customers in the 8x8 CRM by email address (WAPI `Customer` `GET` on the
/// connection's cluster). `found` is false when 8x8 knows no such customer; errors reject.
#[napi(
    ts_args_type = "options: GetCustomerOptions",
    ts_return_type = "Promise<CustomerLookup>"
)]
pub fn get_customer<'env>(
    env: &'env Env,
    options: Option<Unknown<'_>>,
) -> napi::Result<PromiseRaw<'env, CustomerLookup>> {
    let options = argument::<GetCustomerOptions>(env, "options", options, true);
    settle(env, async move { crm::get_customer(options?).await })
}
