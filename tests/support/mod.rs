pub mod garble;
pub mod mojibake;
