//! One small component per file.

pub mod compartment;
pub mod header;
pub mod legend;
pub mod producer_panel;
pub mod session_bar;
pub mod train;
