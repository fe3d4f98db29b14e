//! The HTTP engine: client, pacing, retries and paging.

pub mod client;
pub mod paging;
pub mod rate_limit;
pub mod retry;
