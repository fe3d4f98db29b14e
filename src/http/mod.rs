//! The HTTP engine: client, pacing, retries and paging.

pub mod auth;
pub mod chain;
pub mod client;
pub mod jose;
pub mod paging;
pub mod rate_limit;
pub mod retry;
pub mod support;
