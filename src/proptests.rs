//! Property tests (proptest) over the pure parsers: filled in below.
