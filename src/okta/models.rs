//! Serde models of the raw Okta JSON, reading only the fields we map.
//!
//! Everything is tolerant: a missing, null or wrongly typed field becomes `None`
//! instead of failing the page ([`Text`], [`Obj`]). Strings are borrowed from the
//! response body where JSON escapes allow it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A string field that is `None` when missing, null or not a string.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
  /// The string, if present.
  pub fn get(&self) -> Option<&str> {
    self.0.as_deref()
  }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V<'a>(PhantomData<&'a ()>);
    impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
      type Value = Text<'a>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
      }
      fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Borrowed(v))))
      }
      fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
      }
      fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v))))
      }
      fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
      }
      fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
      }
      fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
      }
    }
    d.deserialize_any(V(PhantomData))
  }
}

/// A nested object that is `None` when missing, null or not an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
  fn default() -> Self {
    Obj(None)
  }
}

impl<T> Obj<T> {
  /// The object, if present.
  pub fn get(&self) -> Option<&T> {
    self.0.as_ref()
  }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
      type Value = Obj<T>;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
      }
      fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Obj(Some(t)))
      }
      fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Obj(None))
      }
      fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
      fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Obj(None))
      }
    }
    d.deserialize_any(V(PhantomData))
  }
}

/// `user.profile`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct UserProfile<'a> {
  #[serde(borrow, default)]
  pub email: Text<'a>,
  #[serde(borrow, default)]
  pub login: Text<'a>,
  #[serde(borrow, default, rename = "firstName")]
  pub first_name: Text<'a>,
  #[serde(borrow, default, rename = "lastName")]
  pub last_name: Text<'a>,
}

/// A user from `GET /api/v1/users`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawUser<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default)]
  pub activated: Text<'a>,
  #[serde(borrow, default, rename = "statusChanged")]
  pub status_changed: Text<'a>,
  #[serde(borrow, default, rename = "lastLogin")]
  pub last_login: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<UserProfile<'a>>,
}

/// `group.profile`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupProfile<'a> {
  #[serde(borrow, default)]
  pub name: Text<'a>,
  #[serde(borrow, default)]
  pub description: Text<'a>,
}

/// A group from `GET /api/v1/groups`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawGroup<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  pub group_type: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
  #[serde(borrow, default, rename = "lastMembershipUpdated")]
  pub last_membership_updated: Text<'a>,
  #[serde(borrow, default)]
  pub profile: Obj<GroupProfile<'a>>,
  #[serde(default, rename = "_embedded")]
  pub embedded: Obj<GroupEmbedded>,
}

/// A count that is `None` when missing, null, negative, fractional or not a number.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub Option<u64>);

impl<'de> Deserialize<'de> for Count {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    // Anything else is read as "no count" rather than failing the record.
    let value = serde_json::Value::deserialize(d)?;
    Ok(Count(crate::config::whole_number(&value)))
  }
}

/// `group._embedded.stats` (with `expand=stats`).
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupStats {
  #[serde(default, rename = "usersCount")]
  pub users_count: Count,
  #[serde(default, rename = "appsCount")]
  pub apps_count: Count,
}

/// `group._embedded`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GroupEmbedded {
  #[serde(default)]
  pub stats: Obj<GroupStats>,
}

/// An app from `GET /api/v1/apps`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawApp<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default)]
  pub name: Text<'a>,
  #[serde(borrow, default)]
  pub label: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default, rename = "signOnMode")]
  pub sign_on_mode: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
}

/// A factor from `GET /api/v1/users/{id}/factors`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawFactor<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "factorType")]
  pub factor_type: Text<'a>,
  #[serde(borrow, default)]
  pub provider: Text<'a>,
  #[serde(borrow, default, rename = "vendorName")]
  pub vendor_name: Text<'a>,
  #[serde(borrow, default)]
  pub status: Text<'a>,
  #[serde(borrow, default)]
  pub created: Text<'a>,
  #[serde(borrow, default, rename = "lastUpdated")]
  pub last_updated: Text<'a>,
}

/// `event.outcome`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Outcome<'a> {
  #[serde(borrow, default)]
  pub result: Text<'a>,
  #[serde(borrow, default)]
  pub reason: Text<'a>,
}

/// `event.actor`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Actor<'a> {
  #[serde(borrow, default)]
  pub id: Text<'a>,
  #[serde(borrow, default, rename = "type")]
  pub actor_type: Text<'a>,
  #[serde(borrow, default, rename = "displayName")]
  pub display_name: Text<'a>,
}

/// `event.authenticationContext`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct AuthenticationContext<'a> {
  #[serde(borrow, default, rename = "authenticationProvider")]
  pub authentication_provider: Text<'a>,
  #[serde(borrow, default, rename = "credentialProvider")]
  pub credential_provider: Text<'a>,
  #[serde(borrow, default, rename = "credentialType")]
  pub credential_type: Text<'a>,
}

/// `event.client.geographicalContext`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct GeographicalContext<'a> {
  #[serde(borrow, default)]
  pub country: Text<'a>,
}

/// `event.client.userAgent`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct UserAgent<'a> {
  #[serde(borrow, default)]
  pub browser: Text<'a>,
}

/// `event.client`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Client<'a> {
  #[serde(borrow, default, rename = "ipAddress")]
  pub ip_address: Text<'a>,
  #[serde(borrow, default, rename = "geographicalContext")]
  pub geographical_context: Obj<GeographicalContext<'a>>,
  #[serde(borrow, default, rename = "userAgent")]
  pub user_agent: Obj<UserAgent<'a>>,
}

/// A System Log event from `GET /api/v1/logs`.
#[derive(Debug, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RawEvent<'a> {
  #[serde(borrow, default)]
  pub uuid: Text<'a>,
  #[serde(borrow, default)]
  pub published: Text<'a>,
  #[serde(borrow, default, rename = "eventType")]
  pub event_type: Text<'a>,
  #[serde(borrow, default)]
  pub severity: Text<'a>,
  #[serde(borrow, default, rename = "displayMessage")]
  pub display_message: Text<'a>,
  #[serde(borrow, default)]
  pub outcome: Obj<Outcome<'a>>,
  #[serde(borrow, default)]
  pub actor: Obj<Actor<'a>>,
  #[serde(borrow, default, rename = "authenticationContext")]
  pub authentication_context: Obj<AuthenticationContext<'a>>,
  #[serde(borrow, default)]
  pub client: Obj<Client<'a>>,
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn wrong_types_become_none() {
    let u: RawUser = serde_json::from_str(
      r#"{"id":"00u1","status":5,"created":null,"profile":"x","lastLogin":{"a":[1,{"b":2}]},"lastUpdated":[1,2]}"#,
    )
    .unwrap();
    assert_eq!(u.id.get(), Some("00u1"));
    assert_eq!(u.status.get(), None);
    assert!(u.profile.get().is_none());
    assert_eq!(u.last_login.get(), None);
  }

  #[test]
  fn escaped_strings_are_owned_and_correct() {
    let e: RawEvent = serde_json::from_str(
      r#"{"displayMessage":"a \"quoted\" \u00e9","client":{"geographicalContext":{"country":"Fran\u00e7e"}}}"#,
    )
    .unwrap();
    assert_eq!(e.display_message.get(), Some("a \"quoted\" é"));
    assert_eq!(
      e.client
        .get()
        .unwrap()
        .geographical_context
        .get()
        .unwrap()
        .country
        .get(),
      Some("Françe")
    );
  }
}
