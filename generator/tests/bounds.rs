//! Resource bounds: time and peak memory grow in proportion to the input.
//!
//! Each stage (parse one page, `check`, `generate`) runs on a page of about 2.5 MB and on one of
//! about 5 MB. Doubling the input must not much more than double the work: a quadratic step would
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

/// What one stage cost: its CPU time per run, the best of three samples, and the most heap it
/// held above what was live before it.
#[derive(Debug, Clone, Copy)]
struct Cost {
    cpu: Duration,
    peak_heap: usize,
}

/// The shortest sample: the CPU clock ticks at 1/100 s, so a sample of a fast stage (parsing,
/// in a release build) repeats it until the tick is a small part of the whole.
const SAMPLE: Duration = Duration::from_millis(300);

/// Measures `stage` in three samples. The caller holds `SERIAL`, so nothing else runs in this
/// process.
fn measure<T>(mut stage: impl FnMut() -> T) -> Cost {
    let mut best = Cost {
        cpu: Duration::MAX,
        peak_heap: 0,
    };
    for _ in 0..3 {
        let clock = CpuClock::start();
        let mut runs = 0;
        while runs == 0 || clock.elapsed() < SAMPLE {
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let output = stage();
            let peak_heap = PEAK.load(Ordering::Relaxed).saturating_sub(before);
            drop(output);
            best.peak_heap = best.peak_heap.max(peak_heap);
            runs += 1;
        }
        best.cpu = best.cpu.min(clock.elapsed() / runs);
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

/// A docs folder holding one big resource page.
struct BigDocs {
    scratch: Scratch,
    text: String,
    properties: usize,
}

impl BigDocs {
    fn new(bytes: usize) -> BigDocs {
        let scratch = Scratch::new(&bytes.to_string());
        let (text, properties) = big_resource_page(bytes);
        scratch.write("resources/big.md", &text);
        BigDocs {
            scratch,
            text,
            properties,
        }
    }

    fn config(&self) -> graphdoc::Config {
        graphdoc::Config::new()
            .with_docs(self.scratch.path())
            .with_threads(1)
    }
}

/// Measures `stage` on both pages and asserts that the larger costs at most `limit` times the
/// smaller in time and in memory, and at most `heap_per_byte` heap bytes per page byte.
fn assert_linear<T>(name: &str, heap_per_byte: usize, stage: impl Fn(&BigDocs) -> T) {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let half = BigDocs::new(2_500_000);
    let full = BigDocs::new(5_000_000);
    assert!(full.text.len() >= 5_000_000 && full.properties > 20_000);
    let half_cost = measure(|| stage(&half));
    let full_cost = measure(|| stage(&full));
    let time_ratio = full_cost.cpu.as_secs_f64() / half_cost.cpu.as_secs_f64().max(0.01);
    let heap_ratio = full_cost.peak_heap as f64 / half_cost.peak_heap.max(1) as f64;
    println!(
        "{name}: {} properties in {:?} and {} KiB; {} in {:?} and {} KiB; time ratio {time_ratio:.2}, heap ratio {heap_ratio:.2}",
        half.properties,
        half_cost.cpu,
        half_cost.peak_heap / 1024,
        full.properties,
        full_cost.cpu,
        full_cost.peak_heap / 1024,
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
    let per_byte = full_cost.peak_heap / full.text.len();
    assert!(
        per_byte <= heap_per_byte,
        "{name}: {per_byte} heap bytes per page byte (bound {heap_per_byte})"
    );
}

#[test]
fn parsing_a_page_grows_linearly() {
    assert_linear("parse_page", 20, |docs| {
        let source = graphdoc::page::PageSource {
            path: docs.scratch.path().join("resources/big.md"),
            display: "resources/big.md".to_owned(),
        };
        let page = graphdoc::page::parse_page(&source, &docs.text);
        assert_eq!(page.page.tables[0].members().len(), docs.properties);
        page
    });
}

#[test]
fn check_grows_linearly() {
    assert_linear("check", 20, |docs| {
        let report = docs.config().check().expect("check runs");
        assert_eq!(report.counts.pages, 1);
        report
    });
}

// Each property is three pieces of code (the field, its arm in `read_field`, its line in
// `serialize`): about 100 heap bytes per page byte at the peak, for 20,000 properties on a page.
#[test]
fn generate_grows_linearly() {
    assert_linear("generate", 110, |docs| {
        let generation = docs.config().generate().expect("generate runs");
        assert!(generation.account.balances());
        let big = generation
            .files
            .values()
            .find(|text| text.contains("pub struct Big {"))
            .expect("the big type is emitted");
        let last = format!("pub property{:06}:", docs.properties - 1);
        assert!(big.contains(&last), "{last} is missing");
        generation
    });
}
