//! Okta API knowledge: raw models and endpoint URL building.

pub mod endpoints;
pub mod models;
