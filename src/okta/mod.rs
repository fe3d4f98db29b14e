//! Okta API knowledge shared by the resource modules: the tolerant JSON building
//! blocks of their raw models.

pub mod models;
