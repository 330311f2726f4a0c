//! Every renderer: cluster and story listings (text, JSON, CSV), the diff views (terminal
//! columns, unified, JSON, HTML) and the HTML pages.

pub mod clusters;
pub mod diff;
pub mod stories;
pub mod story_page;
