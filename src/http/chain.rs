//! A cap on the pages of one Link chain (pure: no I/O).
//!
//! A server whose `next` links keep changing would otherwise be followed forever (a
//! repeated link is caught where the chain runs). Each resource's chain may have at
//! most [`max_chain_pages`] pages: 50 million records at the resource's page size,
//! and never fewer than 10,000 pages (users: 250,000 pages; the System Log: 50,000).
//! No real org comes near: the largest have a few million users, and a System Log
//! chain covers at most the sync window. The count follows the chain across `sync()`
//! calls of one client (a call that resumes at the page the last one linked continues
//! the count); a chain that starts anywhere else starts a new count. Past the cap
//! the page fails with `OKTA_BAD_RESPONSE` naming the resource, and so does every
//! later attempt to continue that chain on this client.

use std::collections::HashMap;

use url::Url;

use crate::error::{ErrorCode, OktaError};
use crate::resources::Resource;

/// Records one chain may hold before it is called endless.
pub const MAX_CHAIN_RECORDS: u64 = 50_000_000;
/// The fewest pages the cap allows, whatever the page size.
pub const MIN_CHAIN_PAGES: u64 = 10_000;

/// The page cap of `resource`'s chains.
pub fn max_chain_pages(resource: Resource) -> u64 {
  (MAX_CHAIN_RECORDS / u64::from(resource.page_limit().max(1))).max(MIN_CHAIN_PAGES)
}

#[derive(Debug, Clone)]
struct Chain {
  /// The page the chain links next (or is fetching now).
  expect: Url,
  pages: u64,
}

/// Page counts of the chains in progress, one per resource.
#[derive(Debug, Default)]
pub struct ChainGuard {
  chains: HashMap<Resource, Chain>,
  /// A lower cap for every resource (tests).
  cap: Option<u64>,
}

impl ChainGuard {
  /// A guard with the default caps, or `cap` pages for every resource.
  pub fn new(cap: Option<u64>) -> ChainGuard {
    ChainGuard {
      chains: HashMap::new(),
      cap,
    }
  }

  fn cap(&self, resource: Resource) -> u64 {
    self.cap.unwrap_or_else(|| max_chain_pages(resource))
  }

  /// A page of `resource` at `url` is about to be fetched: counts it, and fails when
  /// the chain it continues is over the cap (then no request should be sent).
  pub fn start(&mut self, resource: Resource, url: &Url) -> Result<(), OktaError> {
    let cap = self.cap(resource);
    let chain = self.chains.entry(resource).or_insert_with(|| Chain {
      expect: url.clone(),
      pages: 0,
    });
    if chain.expect == *url {
      chain.pages = chain.pages.saturating_add(1);
    } else {
      *chain = Chain {
        expect: url.clone(),
        pages: 1,
      };
    }
    if chain.pages > cap {
      return Err(OktaError::new(
        ErrorCode::BadResponse,
        format!(
          "Okta kept linking more {} pages: the chain of {} was stopped after {cap} pages (no real org has that many; the server's next links never end). Check the host, or a proxy rewriting Link headers.",
          resource.resource_name(),
          resource.path(),
        ),
      ));
    }
    Ok(())
  }

  /// The page was fetched and links `next` (`None`: the chain ended).
  pub fn linked(&mut self, resource: Resource, next: Option<&Url>) {
    match next {
      Some(next) => {
        if let Some(chain) = self.chains.get_mut(&resource) {
          chain.expect = next.clone();
        }
      }
      None => {
        self.chains.remove(&resource);
      }
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn page(n: u64) -> Url {
    Url::parse(&format!("https://acme.okta.com/api/v1/users?after={n}")).unwrap()
  }

  #[test]
  fn caps_are_far_above_any_org() {
    assert_eq!(max_chain_pages(Resource::Users), 250_000);
    assert_eq!(max_chain_pages(Resource::AuthEvents), 50_000);
    for r in Resource::ALL {
      assert!(max_chain_pages(r) >= MIN_CHAIN_PAGES);
    }
  }

  #[test]
  fn an_endless_chain_fails_at_the_cap_and_stays_failed() {
    let mut g = ChainGuard::new(Some(5));
    for n in 0..5 {
      g.start(Resource::Users, &page(n)).unwrap();
      g.linked(Resource::Users, Some(&page(n + 1)));
    }
    let err = g.start(Resource::Users, &page(5)).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadResponse);
    assert!(
      err.message.contains("okta_user") && err.message.contains("5 pages"),
      "{}",
      err.message
    );
    // Resuming at the same page (the next sync() call) fails again, without a request.
    assert!(g.start(Resource::Users, &page(5)).is_err());
    // Another resource, or the chain started over from elsewhere, is counted anew.
    assert!(g.start(Resource::Groups, &page(5)).is_ok());
    assert!(g.start(Resource::Users, &page(0)).is_ok());
  }

  #[test]
  fn a_finished_chain_is_forgotten() {
    let mut g = ChainGuard::new(Some(2));
    for _ in 0..10 {
      g.start(Resource::Users, &page(0)).unwrap();
      g.linked(Resource::Users, Some(&page(1)));
      g.start(Resource::Users, &page(1)).unwrap();
      g.linked(Resource::Users, None);
    }
  }
}
