//! Native core of `@rawdash/connector-okta`.
//!
//! Data flows one way: Okta --HTTP--> [`http::client`] --> [`http::paging`] -->
//! [`okta::models`] --> [`records`] --> [`sync`] --> `binding` --> JS writer --> storage.
//! Everything but `binding` is plain Rust, built and tested without Node; the napi
//! layer is behind the `napi` feature.

#![deny(clippy::all)]
#![warn(missing_docs)]

pub mod config;
pub mod cursor;
pub mod definition;
pub mod error;
pub mod http;
pub mod log;
pub mod okta;
pub mod records;
pub mod sync;

#[cfg(feature = "napi")]
mod binding;
