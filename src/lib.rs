//! Native core of `@rawdash/connector-okta`.
//!
//! Data flows one way: Okta --HTTP--> [`http::client`] --> [`engine`] runners, which
//! map pages with the [`resources`] modules --> [`sync`] (plan, mux) --> `binding`
//! --> JS writer --> storage. Layers import downwards only: binding -> sync ->
//! engine -> http -> config -> resources -> okta/error. Everything but `binding` is
//! plain Rust, built and tested without Node; the napi layer is behind the `napi`
//! feature.

#![deny(clippy::all)]
// OktaError carries Okta's whole error body for the user; errors are the cold path
// (at most one per page request), so its size does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod ascii_json;
pub mod config;
pub mod definition;
pub mod engine;
pub mod error;
pub mod http;
pub mod log;
pub mod okta;
pub mod redact;
pub mod resources;
pub mod sync;

#[cfg(feature = "napi")]
pub mod binding;
