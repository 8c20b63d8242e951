//! Placeholder; filled in below.
pub struct Table;
pub fn garble(_: &str, _: &Table) -> String {
    String::new()
}
