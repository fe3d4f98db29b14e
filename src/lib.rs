//! Native core of `@rawdash/connector-okta`.
//!
//! Data flows one way: Okta --HTTP--> [`http::client`] --> [`http::paging`] -->
//! [`okta::models`] --> [`records`] --> [`sync`] --> `binding` --> JS writer --> storage.
//! Everything but `binding` is plain Rust, built and tested without Node; the napi
//! layer is behind the `napi` feature.

#![deny(clippy::all)]
// OktaError carries Okta's whole error body for the user; errors are the cold path
// (at most one per page request), so its size does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod ascii_json;
pub mod backfill;
pub mod config;
pub mod cursor;
pub mod definition;
pub mod error;
pub mod factors;
pub mod http;
pub mod log;
pub mod okta;
pub mod records;
pub mod redact;
pub mod resources;
pub mod sync;

#[cfg(feature = "napi")]
pub mod binding;

#[cfg(test)]
mod proptests;
