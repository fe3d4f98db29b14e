//! The sync engine under the resources: the runners that fetch, page and hand
//! mapped records to the writer, and the bookkeeping they keep in storage.
//!
//! - [`phase`]: the phase context, one page's fetch step, the Link-chain runner;
//! - [`backfill`]: the System Log backfill (coverage, slices, the runner);
//! - [`coverage`]: covered time ranges, shared by the backfill and the metrics;
//! - [`fanout`]: parent list -> child lists (factors), resumed from stored state;
//! - [`metrics`]: daily sign-in metrics and the MFA snapshot (which days, the samples);
//! - [`state`]: `okta_sync_state` records and the host run;
//! - [`cursor`]: the cursor positions of phases;
//! - [`wire`]: what the writer receives.
//!
//! A runner is told by the resource's row what to read ([`crate::resources::Runner`]).

pub mod backfill;
pub mod coverage;
pub mod cursor;
pub mod fanout;
pub mod metrics;
pub mod phase;
pub mod state;
pub mod wire;
