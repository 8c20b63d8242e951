pub mod garble;
