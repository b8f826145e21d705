//! The benchmark floor: walk the docs folders, read every page and run pulldown-cmark over it,
//! doing nothing with the events. `bench/run.sh` reports graphdoc's times as multiples of this.

use std::path::PathBuf;

use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;
use walkdir::WalkDir;

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let pages: Vec<PathBuf> = roots
        .iter()
        .flat_map(|root| WalkDir::new(root).follow_links(true))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let events: usize = pages
        .par_iter()
        .map(|path| {
            let text = std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            Parser::new_ext(&text, Options::ENABLE_TABLES).count()
        })
        .sum();
    println!("{} pages, {events} events", pages.len());
}
