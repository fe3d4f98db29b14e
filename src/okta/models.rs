//! The tolerant building blocks of the raw Okta models (each resource module has
//! its own model, reading only the fields it maps).
//!
//! Everything is tolerant: a missing, null or wrongly typed field becomes `None`
//! instead of failing the page ([`Text`], [`Obj`]). Strings are borrowed from the
//! response body where JSON escapes allow it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

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

/// A non-negative whole number from JSON, whether it arrived as an integer or, as
/// numbers from JavaScript do, as a float like `3.0`.
pub fn whole_number(v: &Value) -> Option<u64> {
  v.as_u64().or_else(|| {
    v.as_f64()
      .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f <= 9.0e15)
      .map(|f| f as u64)
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  #[derive(Deserialize)]
  struct Sample<'a> {
    #[serde(borrow, default)]
    id: Text<'a>,
    #[serde(borrow, default)]
    status: Text<'a>,
    #[serde(borrow, default)]
    name: Text<'a>,
    #[serde(default)]
    nested: Obj<Nested<'a>>,
  }

  #[derive(Deserialize)]
  struct Nested<'a> {
    #[serde(borrow, default)]
    country: Text<'a>,
  }

  #[test]
  fn wrong_types_become_none() {
    let s: Sample = serde_json::from_str(r#"{"id":"00u1","status":5,"name":{"a":[1,{"b":2}]},"nested":"x"}"#).unwrap();
    assert_eq!(s.id.get(), Some("00u1"));
    assert_eq!(s.status.get(), None);
    assert_eq!(s.name.get(), None);
    assert!(s.nested.get().is_none());
  }

  #[test]
  fn escaped_strings_are_owned_and_correct() {
    let s: Sample =
      serde_json::from_str(r#"{"name":"a \"quoted\" \u00e9","nested":{"country":"Fran\u00e7e"}}"#).unwrap();
    assert_eq!(s.name.get(), Some("a \"quoted\" é"));
    assert_eq!(s.nested.get().unwrap().country.get(), Some("Françe"));
  }

  #[test]
  fn whole_numbers_accept_integral_floats_only() {
    assert_eq!(whole_number(&serde_json::json!(3)), Some(3));
    assert_eq!(whole_number(&serde_json::json!(3.0)), Some(3));
    assert_eq!(whole_number(&serde_json::json!(3.5)), None);
    assert_eq!(whole_number(&serde_json::json!(-1)), None);
  }
}
