//! Resource bounds: time, peak memory and output grow in proportion to the input.
//!
//! Each stage (parse one page, `check`, `generate`) runs on a page of about 2.5 MB and on one of
//! about 5 MB; `generate` also on a request line of 2,500 and of 5,000 segments, and on a node
//! with 2,500 and with 5,000 children (a quarter of each in a debug build: see [`SCALE`]).
//! Doubling the input must not much more than double the work: a quadratic step would
//! quadruple it. This is a test of growth, not of speed; how fast each stage is lives in
//! `BENCHMARKS.md`.
//!
//! Memory is measured exactly, by a counting global allocator: the peak of live heap bytes during
//! the stage, above what was live before it. Time is the CPU time of the whole process, which
//! only the stage under measurement uses: this binary runs one test at a time (the `SERIAL`
//! lock), and the best of three samples is kept to ride out a busy machine.

mod big_page;
mod scratch;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use big_page::big_resource_page;
use scratch::Scratch;

/// Live heap bytes, and the most there have been since the last [`measure`] began.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct CountingAllocator;

// SAFETY: every call is passed on to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

static SERIAL: Mutex<()> = Mutex::new(());

/// What one stage cost: its CPU time per run, and the most heap it held above what was live
/// before it.
#[derive(Debug, Clone, Copy)]
struct Cost {
    cpu: Duration,
    peak_heap: usize,
}

/// The shortest sample: the CPU clock ticks at 1/100 s, so a sample of a fast stage (parsing,
/// in a release build) repeats it until the tick is a small part of the whole.
const SAMPLE: Duration = Duration::from_millis(300);

/// Samples taken of each size, alternately, so that a burst of load on a shared machine falls
/// on both sizes rather than on one.
const ROUNDS: usize = 5;

/// One sample of `stage`: its CPU time per run, repeated until [`SAMPLE`] has passed, the most
/// heap it held, and the `output` size of its result. The caller holds `SERIAL`, so nothing
/// else runs in this process.
fn sample<T>(stage: &impl Fn() -> T, output: &impl Fn(&T) -> usize) -> (Cost, usize) {
    let clock = CpuClock::start();
    let mut runs = 0;
    let mut peak = 0;
    let mut bytes = 0;
    while runs == 0 || clock.elapsed() < SAMPLE {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let result = stage();
        peak = peak.max(PEAK.load(Ordering::Relaxed).saturating_sub(before));
        bytes = output(&result);
        drop(result);
        runs += 1;
    }
    let cost = Cost {
        cpu: clock.elapsed() / runs,
        peak_heap: peak,
    };
    (cost, bytes)
}

/// The best of [`ROUNDS`] samples of each of two stages, taken alternately.
fn measure_pair<T>(
    half: impl Fn() -> T,
    full: impl Fn() -> T,
    output: impl Fn(&T) -> usize,
) -> [(Cost, usize); 2] {
    let mut best = [(
        Cost {
            cpu: Duration::MAX,
            peak_heap: 0,
        },
        0,
    ); 2];
    for _ in 0..ROUNDS {
        for (i, measured) in [sample(&half, &output), sample(&full, &output)]
            .into_iter()
            .enumerate()
        {
            let (cost, bytes) = measured;
            best[i].0.cpu = best[i].0.cpu.min(cost.cpu);
            best[i].0.peak_heap = best[i].0.peak_heap.max(cost.peak_heap);
            best[i].1 = bytes;
        }
    }
    best
}

/// The process's CPU time where `/proc` gives it (Linux, at 1/100 s), else the wall clock.
enum CpuClock {
    Process(Duration),
    Wall(Instant),
}

impl CpuClock {
    fn start() -> CpuClock {
        match process_cpu_time() {
            Some(cpu) => CpuClock::Process(cpu),
            None => CpuClock::Wall(Instant::now()),
        }
    }

    fn elapsed(&self) -> Duration {
        match self {
            CpuClock::Process(start) => process_cpu_time()
                .map(|now| now.saturating_sub(*start))
                .unwrap_or_default(),
            CpuClock::Wall(start) => start.elapsed(),
        }
    }
}

fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name in parentheses, the state is field 3; utime and stime are fields
    // 14 and 15, in ticks of 1/100 s (fixed for this file on Linux).
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// A docs folder holding one page, and how many items (properties, segments, children) it
/// defines.
struct Docs {
    scratch: Scratch,
    relative: &'static str,
    text: String,
    items: usize,
}

impl Docs {
    fn new(relative: &'static str, (text, items): (String, usize)) -> Docs {
        // Each page gets a folder of its own, whatever test makes it.
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let scratch = Scratch::new(&format!("docs-{}", MADE.fetch_add(1, Ordering::Relaxed)));
        scratch.write(relative, &text);
        Docs {
            scratch,
            relative,
            text,
            items,
        }
    }

    /// A resource page of about `bytes` bytes.
    fn big_resource(bytes: usize) -> Docs {
        Docs::new("resources/big.md", big_resource_page(bytes))
    }

    /// An API page whose one request line has `segments` segments, a parameter every 50th.
    fn deep_path(segments: usize) -> Docs {
        let path = big_page::deep_path(segments);
        Docs::new(
            "api/deep.md",
            (api_page("Get deep", &format!("GET {path}\n")), segments),
        )
    }

    /// An API page documenting `children` paths under one node: `/wide/c0` ... `/wide/cN`.
    fn wide_node(children: usize) -> Docs {
        let lines: String = (0..children).map(|i| format!("GET /wide/c{i}\n")).collect();
        Docs::new("api/wide.md", (api_page("Get wide", &lines), children))
    }

    fn config(&self) -> graphdoc::Config {
        graphdoc::Config::new()
            .with_docs(self.scratch.path())
            .with_threads(1)
    }
}

/// An API page whose HTTP request section holds `lines`.
fn api_page(title: &str, lines: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndoc_type: apiPageType\nms.prod: hostile\n---\n\n# {title}\n\n\
         ## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{lines}```\n"
    )
}

/// Measures `stage` on `half` and on `full` (twice its size), made by `pages` once no other
/// test of this file runs (the clock is the process's: a page written by another test's thread
/// would count as this stage's time), and asserts that the larger costs
/// at most `limit` times the smaller in time, in memory and in the bytes `output` counts, and
/// at most `heap_per_byte` heap bytes per page byte.
fn assert_linear<T>(
    name: &str,
    heap_per_byte: usize,
    pages: impl FnOnce() -> (Docs, Docs),
    stage: impl Fn(&Docs) -> T,
    output: impl Fn(&T) -> usize,
) {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (half, full) = pages();
    let [(half_cost, half_output), (full_cost, full_output)] =
        measure_pair(|| stage(&half), || stage(&full), &output);
    let time_ratio = full_cost.cpu.as_secs_f64() / half_cost.cpu.as_secs_f64().max(0.01);
    let heap_ratio = full_cost.peak_heap as f64 / half_cost.peak_heap.max(1) as f64;
    let output_ratio = full_output as f64 / half_output.max(1) as f64;
    println!(
        "{name}: {} items in {:?}, {} KiB heap, {} KiB out; {} in {:?}, {} KiB, {} KiB; \
         time ratio {time_ratio:.2}, heap ratio {heap_ratio:.2}, output ratio {output_ratio:.2}",
        half.items,
        half_cost.cpu,
        half_cost.peak_heap / 1024,
        half_output / 1024,
        full.items,
        full_cost.cpu,
        full_cost.peak_heap / 1024,
        full_output / 1024,
    );
    // Linear growth gives 2; quadratic gives 4. Time gets more room for noise and clock ticks.
    assert!(
        time_ratio < 3.0,
        "{name}: time looks quadratic: ratio {time_ratio:.2}"
    );
    assert!(
        heap_ratio < 2.5,
        "{name}: memory looks quadratic: ratio {heap_ratio:.2}"
    );
    assert!(
        output_ratio < 2.5,
        "{name}: output looks quadratic: ratio {output_ratio:.2}"
    );
    let per_byte = full_cost.peak_heap / full.text.len();
    assert!(
        per_byte <= heap_per_byte,
        "{name}: {per_byte} heap bytes per page byte (bound {heap_per_byte})"
    );
}

/// How much smaller the inputs are in a debug build (the README's test command): a quarter,
/// still hundreds of times the largest real page, so that the suite stays quick; a release
/// build (`BENCHMARKS.md`) measures the full sizes.
const SCALE: usize = if cfg!(debug_assertions) { 4 } else { 1 };

fn big_pages() -> (Docs, Docs) {
    let pages = (
        Docs::big_resource(2_500_000 / SCALE),
        Docs::big_resource(5_000_000 / SCALE),
    );
    assert!(pages.1.text.len() >= 5_000_000 / SCALE && pages.1.items > 20_000 / SCALE);
    pages
}

/// The bytes of every generated file.
fn generated_bytes(generation: &graphdoc::Generation) -> usize {
    generation.files.values().map(String::len).sum()
}

#[test]
fn parsing_a_page_grows_linearly() {
    assert_linear(
        "parse_page",
        20,
        big_pages,
        |docs| {
            let source = graphdoc::page::PageSource {
                path: docs.scratch.path().join(docs.relative),
                display: docs.relative.to_owned(),
            };
            let page = graphdoc::page::parse_page(&source, &docs.text);
            assert_eq!(page.page.tables[0].members().len(), docs.items);
            page
        },
        |_| 0,
    );
}

// `check` keeps every page and the model, and emits the code (unformatted) one piece at a time
// to see what emission reports: about 50 heap bytes per page byte at the peak.
#[test]
fn check_grows_linearly() {
    assert_linear(
        "check",
        60,
        big_pages,
        |docs| {
            let report = docs.config().check().expect("check runs");
            assert_eq!(report.counts.pages, 1);
            report
        },
        |_| 0,
    );
}

// Each property is three pieces of code (the field, its arm in `read_field`, its line in
// `serialize`): about 100 heap bytes per page byte at the peak, for 20,000 properties on a page
// (111 at a quarter of the size, where what every run holds weighs more).
#[test]
fn generate_grows_linearly() {
    assert_linear(
        "generate",
        125,
        big_pages,
        |docs| {
            let generation = docs.config().generate().expect("generate runs");
            assert!(generation.account.balances());
            let big = generation
                .files
                .values()
                .find(|text| text.contains("pub struct Big {"))
                .expect("the big type is emitted");
            let last = format!("pub property{:06}:", docs.items - 1);
            assert!(big.contains(&last), "{last} is missing");
            generation
        },
        generated_bytes,
    );
}

/// The navigation surface of one path: a node per segment, each with a struct, a step method
/// and a rustdoc of bounded size, whatever the depth.
#[test]
fn generate_grows_linearly_with_the_depth_of_a_path() {
    assert_linear(
        "generate (deep path)",
        PATH_HEAP_PER_BYTE,
        || {
            (
                Docs::deep_path(2_500 / SCALE),
                Docs::deep_path(5_000 / SCALE),
            )
        },
        |docs| {
            let generation = docs.config().generate().expect("generate runs");
            assert_eq!(generation.counts.operations, 1);
            let paths = &generation.files["paths.rs"];
            let last = format!("\"/s{}\"", docs.items - 1);
            assert!(paths.contains(&last), "the last segment's step is emitted");
            generation
        },
        generated_bytes,
    );
}

#[test]
fn generate_grows_linearly_with_the_children_of_a_node() {
    assert_linear(
        "generate (wide node)",
        PATH_HEAP_PER_BYTE,
        || {
            (
                Docs::wide_node(2_500 / SCALE),
                Docs::wide_node(5_000 / SCALE),
            )
        },
        |docs| {
            let generation = docs.config().generate().expect("generate runs");
            let paths = &generation.files["paths.rs"];
            let last = format!("pub fn c{}(", docs.items - 1);
            assert!(paths.contains(&last), "{last} is missing");
            generation
        },
        generated_bytes,
    );
}

/// A path segment or request line of a few bytes on the page becomes a node struct, its impl,
/// a step method and an operation, each with rustdoc: a few hundred bytes of code per page byte,
/// and their tokens (about 1,500 heap bytes per page byte at the peak for the wide node).
const PATH_HEAP_PER_BYTE: usize = 3_000;
