//! The board runtime on a microcontroller: a [`Board`] served over a console line by a port
//! that supplies only what differs between chips ([`Chip`]): writing bytes, a free-running
//! microsecond clock, sleeping until an interrupt, and reset.
//!
//! Received bytes reach the board through [`CONSOLE`], which the port's receive interrupt
//! handler fills ([`Console::receive`]). The interrupt character is caught there while code
//! runs, so Ctrl-C stops `while True: pass` without the program ever reading its input.
//! Everything the handler and the board share is an atomic load or store, never a
//! read-modify-write, which every target has (the ESP32-C3's rv32imc among them).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::{RefCell, UnsafeCell};
use core::convert::Infallible;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};

use copperhead_littlefs::BlockDevice;
use copperhead_vm::lfsfs::LfsFs;
use copperhead_vm::memfs::MemFs;
use copperhead_vm::platform::{
    DirEntry, Filesystem, FsResult, Hardware, OpenMode, PinMode, Pull, SeekFrom, Stat, StatVfs,
    Uname, errno,
};
use copperhead_vm::{Config, Platform, Vm};

use crate::board::{Board, LineInput, Port};
use crate::repl::{BoardInfo, cook_into};

/// What a microcontroller port supplies. A chip is a handle to its peripherals (usually a
/// zero-sized one), copied wherever the board needs it.
pub trait Chip: Copy + 'static {
    /// `sys.platform`.
    const PLATFORM: &'static str;

    /// Bytes to the console line, waiting while the transmitter is full.
    fn write(self, bytes: &[u8]);

    /// Microseconds since start, from a free-running counter.
    fn ticks_us(self) -> u64;

    /// Sleep until an interrupt or until [`Chip::ticks_us`] reaches `deadline`. Return at
    /// once if [`Console::wants_attention`] holds, checked with interrupts masked so that
    /// a byte received just before the sleep cannot be slept through (on Cortex-M: mask,
    /// check, `wfi`, unmask). May return early; the board checks again.
    fn sleep(self, deadline: Option<u64>);

    /// Start the chip again, as its reset pin would.
    fn reset(self) -> !;

    /// Bytes the allocator has left ([`Counted::left`]); `None` if the port does not count.
    fn memory_left(self) -> Option<usize> {
        None
    }
}

/// A global allocator over a fixed arena that counts what it has handed out, so that the
/// VM can keep a reserve free ([`Platform::memory_left`]), with a small spare arena behind
/// it: what the VM allocates without asking (a frame, a table growing) when the arena is
/// full comes from the spare, and the VM, finding the arena short at its next allocation,
/// collects or raises `MemoryError`, instead of the board stopping. While the spare holds
/// anything the arena counts as full (its free bytes may be in pieces too small for what
/// was asked), and the spare gives no block bigger than half of it (a big block is asked
/// for by the VM, which can take a refusal), so half of it is there for what is allocated
/// before the VM's next check.
/// Allocation never happens in an interrupt handler, so the counts are plain loads and
/// stores.
pub struct Counted<A> {
    inner: A,
    spare: A,
    /// Where the spare arena lies, to tell its blocks from the arena's.
    spare_start: AtomicUsize,
    spare_end: AtomicUsize,
    size: AtomicUsize,
    used: AtomicUsize,
    /// Bytes of the spare handed out.
    spare_used: AtomicUsize,
}

impl<A> Counted<A> {
    pub const fn new(inner: A, spare: A) -> Counted<A> {
        Counted {
            inner,
            spare,
            spare_start: AtomicUsize::new(0),
            spare_end: AtomicUsize::new(0),
            size: AtomicUsize::new(0),
            used: AtomicUsize::new(0),
            spare_used: AtomicUsize::new(0),
        }
    }

    /// The allocator, to give it its arena of `size` bytes.
    pub fn arena(&self, size: usize) -> &A {
        self.size.store(size, Ordering::Relaxed);
        &self.inner
    }

    /// The spare allocator, to give it its arena of `size` bytes at `start`.
    pub fn spare(&self, start: usize, size: usize) -> &A {
        self.spare_start.store(start, Ordering::Relaxed);
        self.spare_end.store(start + size, Ordering::Relaxed);
        &self.spare
    }

    /// Bytes of the arena not handed out; none while the spare holds a block.
    pub fn left(&self) -> usize {
        if self.spare_used.load(Ordering::Relaxed) > 0 {
            return 0;
        }
        let (size, used) = (
            self.size.load(Ordering::Relaxed),
            self.used.load(Ordering::Relaxed),
        );
        size.saturating_sub(used)
    }

    fn spare_size(&self) -> usize {
        self.spare_end.load(Ordering::Relaxed) - self.spare_start.load(Ordering::Relaxed)
    }

    fn in_spare(&self, ptr: *mut u8) -> bool {
        let at = ptr as usize;
        at >= self.spare_start.load(Ordering::Relaxed)
            && at < self.spare_end.load(Ordering::Relaxed)
    }

    fn add(&self, n: usize) {
        let used = self.used.load(Ordering::Relaxed);
        self.used.store(used.wrapping_add(n), Ordering::Relaxed);
    }

    fn sub(&self, n: usize) {
        let used = self.used.load(Ordering::Relaxed);
        self.used.store(used.wrapping_sub(n), Ordering::Relaxed);
    }
}

// SAFETY: every block comes from `inner` or `spare` and goes back to the one it came from
// (told apart by address); the count only observes the arena's sizes.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            self.add(layout.size());
            return p;
        }
        if layout.size() > self.spare_size() / 2 {
            return core::ptr::null_mut();
        }
        // SAFETY: as above.
        let p = unsafe { self.spare.alloc(layout) };
        if !p.is_null() {
            let used = self.spare_used.load(Ordering::Relaxed);
            self.spare_used
                .store(used + layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.in_spare(ptr) {
            // SAFETY: as above; the block is the spare's.
            unsafe { self.spare.dealloc(ptr, layout) };
            let used = self.spare_used.load(Ordering::Relaxed);
            self.spare_used
                .store(used.saturating_sub(layout.size()), Ordering::Relaxed);
        } else {
            // SAFETY: as above; the block is the arena's.
            unsafe { self.inner.dealloc(ptr, layout) };
            self.sub(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.in_spare(ptr) {
            // SAFETY: as above.
            let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                self.sub(layout.size());
                self.add(new_size);
                return p;
            }
        }
        // Moved: to the arena if it has room, else to the spare.
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's contract).
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as above.
        let p = unsafe { self.alloc(new) };
        if !p.is_null() {
            // SAFETY: both blocks are live and at least this long; they are distinct.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        p
    }
}

/// A port's global allocator: `static $heap: Counted<$alloc>` over an arena of `$arena` bytes
/// and a spare of `$spare`, both in `.uninit` (the runtimes leave it alone at start; the
/// allocator needs no zeros), and `unsafe fn init_heap()`, to call once at start before
/// anything allocates. `$alloc` is an `embedded-alloc` heap (`empty()`, `init(start, size)`).
#[macro_export]
macro_rules! arena_allocator {
    ($heap:ident: $alloc:ty, arena $arena:expr, spare $spare:expr) => {
        #[global_allocator]
        static $heap: $crate::mcu::Counted<$alloc> =
            $crate::mcu::Counted::new(<$alloc>::empty(), <$alloc>::empty());

        /// Gives the allocator its arena and its spare.
        ///
        /// # Safety
        /// Call once, before anything allocates.
        unsafe fn init_heap() {
            const ARENA_SIZE: usize = $arena;
            const SPARE_SIZE: usize = $spare;
            #[unsafe(link_section = ".uninit.ARENA")]
            static mut ARENA_BYTES: [core::mem::MaybeUninit<u8>; ARENA_SIZE] =
                [core::mem::MaybeUninit::uninit(); ARENA_SIZE];
            #[unsafe(link_section = ".uninit.SPARE")]
            static mut SPARE_BYTES: [core::mem::MaybeUninit<u8>; SPARE_SIZE] =
                [core::mem::MaybeUninit::uninit(); SPARE_SIZE];
            let (arena, spare) = (&raw mut ARENA_BYTES as usize, &raw mut SPARE_BYTES as usize);
            // SAFETY: the regions are the allocator's alone from here on (the caller's
            // contract: once, before anything allocates).
            unsafe {
                $heap.arena(ARENA_SIZE).init(arena, ARENA_SIZE);
                $heap.spare(spare, SPARE_SIZE).init(spare, SPARE_SIZE);
            }
        }
    };
}

/// The console's receive queue. Bytes beyond its size are dropped (as MicroPython's
/// ring buffers drop them); the raw REPL's flow control keeps tools within it.
const QUEUE: usize = 2048;

/// Bytes received and not yet read: written by the receive interrupt, read by the board.
pub struct Console {
    bytes: UnsafeCell<[u8; QUEUE]>,
    /// Bytes ever written (by the interrupt handler only).
    head: AtomicUsize,
    /// Bytes ever read (by the board only).
    tail: AtomicUsize,
    /// Code is running: the interrupt character interrupts it.
    running: AtomicBool,
    interrupt: AtomicBool,
    /// The interrupt character (`micropython.kbd_intr`), or -1 for none.
    intr_char: AtomicI32,
}

// SAFETY: one writer (the interrupt handler) and one reader (the board); each slot is
// written before `head` moves past it and read before `tail` moves past it.
unsafe impl Sync for Console {}

/// The console of this chip.
pub static CONSOLE: Console = Console::new();

impl Console {
    const fn new() -> Console {
        Console {
            bytes: UnsafeCell::new([0; QUEUE]),
            head: AtomicUsize::new(0),
            tail: AtomicUsize::new(0),
            running: AtomicBool::new(false),
            interrupt: AtomicBool::new(false),
            intr_char: AtomicI32::new(3),
        }
    }

    /// A byte arrived on the line: call from the receive interrupt handler (or a poll),
    /// never from two places at once.
    pub fn receive(&self, byte: u8) {
        if self.running.load(Ordering::Relaxed)
            && i32::from(byte) == self.intr_char.load(Ordering::Relaxed)
        {
            self.interrupt.store(true, Ordering::Release);
            return;
        }
        let head = self.head.load(Ordering::Relaxed);
        if head.wrapping_sub(self.tail.load(Ordering::Acquire)) >= QUEUE {
            return;
        }
        // SAFETY: the slot at `head` is outside what the reader may read until `head` moves.
        unsafe { (*self.bytes.get())[head % QUEUE] = byte };
        self.head.store(head.wrapping_add(1), Ordering::Release);
    }

    /// Input is waiting, or an interrupt: the board has something to do.
    pub fn wants_attention(&self) -> bool {
        self.has_input() || self.interrupt.load(Ordering::Acquire)
    }

    fn has_input(&self) -> bool {
        self.head.load(Ordering::Acquire) != self.tail.load(Ordering::Relaxed)
    }

    fn pop(&self) -> Option<u8> {
        let tail = self.tail.load(Ordering::Relaxed);
        if self.head.load(Ordering::Acquire) == tail {
            return None;
        }
        // SAFETY: the slot at `tail` was written before `head` moved past it.
        let byte = unsafe { (*self.bytes.get())[tail % QUEUE] };
        self.tail.store(tail.wrapping_add(1), Ordering::Release);
        Some(byte)
    }

    /// Take the interrupt, if one came.
    fn take_interrupt(&self) -> bool {
        let hit = self.interrupt.load(Ordering::Acquire);
        if hit {
            self.interrupt.store(false, Ordering::Release);
        }
        hit
    }
}

/// The board's side of the console: bytes handed back by the REPL ([`Port::unread`]) come
/// before the queue.
struct Input {
    back: RefCell<VecDeque<u8>>,
}

impl Input {
    fn pop(&self) -> Option<u8> {
        let back = self.back.borrow_mut().pop_front();
        back.or_else(|| CONSOLE.pop())
    }

    fn peek_is(&self, byte: u8) -> bool {
        let mut back = self.back.borrow_mut();
        if back.front() == Some(&byte) {
            back.pop_front();
            return true;
        }
        drop(back);
        // The queue cannot be peeked without taking; a byte taken that isn't `byte` goes
        // back in front.
        match CONSOLE.pop() {
            Some(b) if b == byte => true,
            Some(other) => {
                self.back.borrow_mut().push_front(other);
                false
            }
            None => false,
        }
    }

    fn ready(&self) -> bool {
        !self.back.borrow().is_empty() || CONSOLE.has_input()
    }
}

/// The VM's view of a microcontroller board.
pub struct McuPlatform<C: Chip, H: Hardware + Clone + 'static> {
    chip: C,
    /// The peripherals behind `machine`, shared by the VMs of successive soft resets.
    hardware: H,
    input: Rc<Input>,
    fs: SharedFs,
    /// The board and chip, as `os.uname().machine` names them.
    machine: Rc<str>,
    out: Vec<u8>,
}

impl<C: Chip, H: Hardware + Clone + 'static> McuPlatform<C, H> {
    fn send(&mut self, bytes: &[u8], cook: bool) {
        if cook {
            self.out.clear();
            cook_into(bytes, &mut self.out);
            self.chip.write(&self.out);
        } else {
            self.chip.write(bytes);
        }
    }
}

impl<C: Chip, H: Hardware + Clone + 'static> Platform for McuPlatform<C, H> {
    fn write_stdout(&mut self, bytes: &[u8]) {
        self.send(bytes, true);
    }

    fn write_stdout_raw(&mut self, bytes: &[u8]) {
        self.send(bytes, false);
    }

    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        loop {
            let mut n = 0;
            while n < buf.len() {
                let Some(byte) = self.input.pop() else { break };
                buf[n] = byte;
                n += 1;
            }
            if n > 0 {
                return n;
            }
            if CONSOLE.interrupt.load(Ordering::Acquire) {
                return 0;
            }
            self.chip.sleep(None);
        }
    }

    fn read_line(&mut self) -> Option<String> {
        crate::board::read_line(self)
    }

    fn stdin_ready(&mut self) -> bool {
        self.input.ready()
    }

    fn set_interrupt_char(&mut self, c: i32) {
        CONSOLE.intr_char.store(c, Ordering::Relaxed);
    }

    fn interrupt_requested(&mut self) -> bool {
        CONSOLE.take_interrupt()
    }

    fn ticks_us(&mut self) -> u64 {
        self.chip.ticks_us()
    }

    fn memory_left(&mut self) -> Option<usize> {
        self.chip.memory_left()
    }

    fn sleep_us(&mut self, us: u64) {
        let deadline = self.chip.ticks_us().saturating_add(us);
        while self.chip.ticks_us() < deadline && !CONSOLE.interrupt.load(Ordering::Acquire) {
            self.chip.sleep(Some(deadline));
        }
    }

    fn fs(&mut self) -> Option<&mut dyn Filesystem> {
        Some(&mut self.fs)
    }

    fn sys_platform(&self) -> &str {
        C::PLATFORM
    }

    fn uname(&self) -> Uname {
        Uname {
            sysname: String::from(C::PLATFORM),
            nodename: String::from(C::PLATFORM),
            release: String::from(env!("CARGO_PKG_VERSION")),
            version: alloc::format!("{} on {}", crate::VERSION, crate::BUILD_DATE),
            machine: String::from(&*self.machine),
        }
    }

    fn hardware(&mut self) -> Option<&mut dyn Hardware> {
        Some(&mut self.hardware)
    }
}

/// A port without peripherals for `machine`: only the chip's reset.
#[derive(Clone, Copy)]
pub struct NoHardware<C: Chip>(pub C);

impl<C: Chip> Hardware for NoHardware<C> {
    fn pin_init(&mut self, _pin: u32, _mode: PinMode, _pull: Pull) -> FsResult<()> {
        Err(errno::ENODEV)
    }
    fn pin_read(&mut self, _pin: u32) -> bool {
        false
    }
    fn pin_write(&mut self, _pin: u32, _value: bool) {}
    fn reset(&mut self) {
        self.0.reset()
    }
}

impl<C: Chip, H: Hardware + Clone + 'static> LineInput for McuPlatform<C, H> {
    fn next_byte(&mut self) -> Option<u8> {
        let mut byte = [0u8];
        (self.read_stdin(&mut byte) == 1).then_some(byte[0])
    }

    fn take_if(&mut self, byte: u8) -> bool {
        self.input.peek_is(byte)
    }

    fn echo(&mut self, bytes: &[u8]) {
        self.chip.write(bytes);
    }
}

/// The board's filesystem, shared by the VMs of successive soft resets.
#[derive(Clone)]
struct SharedFs(Rc<RefCell<Box<dyn Filesystem>>>);

impl Filesystem for SharedFs {
    fn open(&mut self, path: &str, mode: OpenMode) -> FsResult<u32> {
        self.0.borrow_mut().open(path, mode)
    }
    fn read(&mut self, fd: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.0.borrow_mut().read(fd, buf)
    }
    fn write(&mut self, fd: u32, data: &[u8]) -> FsResult<usize> {
        self.0.borrow_mut().write(fd, data)
    }
    fn seek(&mut self, fd: u32, pos: SeekFrom) -> FsResult<u64> {
        self.0.borrow_mut().seek(fd, pos)
    }
    fn flush(&mut self, fd: u32) -> FsResult<()> {
        self.0.borrow_mut().flush(fd)
    }
    fn close(&mut self, fd: u32) -> FsResult<()> {
        self.0.borrow_mut().close(fd)
    }
    fn stat(&mut self, path: &str) -> FsResult<Stat> {
        self.0.borrow_mut().stat(path)
    }
    fn list_dir(&mut self, path: &str) -> FsResult<Vec<DirEntry>> {
        self.0.borrow_mut().list_dir(path)
    }
    fn mkdir(&mut self, path: &str) -> FsResult<()> {
        self.0.borrow_mut().mkdir(path)
    }
    fn rmdir(&mut self, path: &str) -> FsResult<()> {
        self.0.borrow_mut().rmdir(path)
    }
    fn remove(&mut self, path: &str) -> FsResult<()> {
        self.0.borrow_mut().remove(path)
    }
    fn rename(&mut self, from: &str, to: &str) -> FsResult<()> {
        self.0.borrow_mut().rename(from, to)
    }
    fn statvfs(&mut self, path: &str) -> FsResult<StatVfs> {
        self.0.borrow_mut().statvfs(path)
    }
    fn sync(&mut self) -> FsResult<()> {
        self.0.borrow_mut().sync()
    }
}

/// A microcontroller as a port of the board runtime.
struct McuPort<C: Chip, H: Hardware + Clone + 'static> {
    chip: C,
    hardware: H,
    input: Rc<Input>,
    fs: SharedFs,
    machine: Rc<str>,
    config: Config,
}

impl<C: Chip, H: Hardware + Clone + 'static> Port for McuPort<C, H> {
    type Platform = McuPlatform<C, H>;
    type Error = Infallible;

    fn new_vm(&mut self) -> Result<Vm<McuPlatform<C, H>>, Infallible> {
        let platform = McuPlatform {
            chip: self.chip,
            hardware: self.hardware.clone(),
            input: self.input.clone(),
            fs: self.fs.clone(),
            machine: self.machine.clone(),
            out: Vec::new(),
        };
        Ok(Vm::new(platform, self.config.clone()))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.chip.write(bytes);
        Ok(())
    }

    fn unread(&mut self, bytes: &[u8]) {
        let mut back = self.input.back.borrow_mut();
        for &b in bytes.iter().rev() {
            back.push_front(b);
        }
    }

    /// As the host's console: an interrupt character typed just before the code started
    /// (still among the bytes handed back) counts.
    fn running(&mut self, on: bool) {
        CONSOLE.running.store(on, Ordering::Release);
        if !on {
            return;
        }
        CONSOLE.interrupt.store(false, Ordering::Release);
        let intr = CONSOLE.intr_char.load(Ordering::Relaxed);
        let mut back = self.input.back.borrow_mut();
        if let Some(at) = back.iter().position(|&b| i32::from(b) == intr) {
            back.drain(..=at);
            CONSOLE.interrupt.store(true, Ordering::Release);
        }
    }
}

/// The board's filesystem: littlefs on `device` (formatted at the first boot, when the
/// device holds none), or, if littlefs cannot start there, `fallback` bytes of RAM that a
/// reset loses.
pub fn littlefs_or_ram<D: BlockDevice + 'static>(
    device: D,
    fallback: usize,
) -> Box<dyn Filesystem> {
    match LfsFs::mount_or_format(device) {
        Ok(fs) => Box::new(fs),
        Err(_) => Box::new(MemFs::new(fallback)),
    }
}

/// Run the board: boot (`boot.py`, `main.py`), the banner, then the REPL on the console,
/// for ever. `hardware` is `machine`'s peripherals (each VM gets a clone: a handle to them,
/// [`NoHardware`] for none); `fs` holds the board's files ([`littlefs_or_ram`]).
pub fn serve<C: Chip, H: Hardware + Clone + 'static>(
    chip: C,
    hardware: H,
    info: BoardInfo,
    config: Config,
    fs: Box<dyn Filesystem>,
) -> ! {
    let mut port = McuPort {
        chip,
        hardware,
        input: Rc::new(Input {
            back: RefCell::new(VecDeque::new()),
        }),
        fs: SharedFs(Rc::new(RefCell::new(fs))),
        machine: alloc::format!("{} with {}", info.board, info.mcu).into(),
        config,
    };
    let Ok(mut board) = Board::new(&mut port, info);
    let Ok(()) = board.boot(&mut port);
    let Ok(()) = board.greet(&mut port);
    let mut chunk = [0u8; 256];
    loop {
        let mut n = 0;
        while n < chunk.len() {
            let Some(byte) = port.input.pop() else { break };
            chunk[n] = byte;
            n += 1;
        }
        if n > 0 {
            let Ok(_) = board.feed(&mut port, &chunk[..n]);
            continue;
        }
        // An interrupt character at the prompt is input like any other: it was queued.
        if board.wants_background() {
            board.background(&mut port);
            chip.sleep(Some(chip.ticks_us() + 2_000));
        } else {
            chip.sleep(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bump allocator over a buffer, counting what is given back: enough to see which
    /// arena a block came from and went back to.
    struct Bump {
        buffer: UnsafeCell<[u8; 1024]>,
        next: AtomicUsize,
        freed: AtomicUsize,
    }

    // SAFETY: the tests use it from one thread.
    unsafe impl Sync for Bump {}

    impl Bump {
        const fn new() -> Bump {
            Bump {
                buffer: UnsafeCell::new([0; 1024]),
                next: AtomicUsize::new(0),
                freed: AtomicUsize::new(0),
            }
        }
        fn start(&self) -> usize {
            self.buffer.get() as usize
        }
    }

    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let at = self
                .next
                .load(Ordering::Relaxed)
                .next_multiple_of(layout.align());
            if at + layout.size() > 1024 {
                return core::ptr::null_mut();
            }
            self.next.store(at + layout.size(), Ordering::Relaxed);
            // SAFETY: within the buffer.
            unsafe { (self.buffer.get() as *mut u8).add(at) }
        }
        unsafe fn dealloc(&self, _ptr: *mut u8, layout: Layout) {
            self.freed.fetch_add(layout.size(), Ordering::Relaxed);
        }
    }

    #[test]
    fn what_the_arena_cannot_hold_comes_from_the_spare_and_goes_back_there() {
        let heap = Counted::new(Bump::new(), Bump::new());
        heap.arena(1024);
        let start = heap.spare.start();
        heap.spare(start, 1024);
        let big = Layout::from_size_align(900, 8).unwrap();
        let more = Layout::from_size_align(200, 8).unwrap();
        // SAFETY: layouts of non-zero size; each block is given back with its layout.
        unsafe {
            let a = heap.alloc(big);
            assert!(!a.is_null() && !heap.in_spare(a));
            assert_eq!(heap.left(), 124, "the arena counts what it gave");
            let b = heap.alloc(more);
            assert!(
                !b.is_null() && heap.in_spare(b),
                "the arena is full: the spare"
            );
            assert_eq!(heap.left(), 0, "the spare in use: the arena counts as full");
            let half = Layout::from_size_align(600, 8).unwrap();
            assert!(
                heap.alloc(half).is_null(),
                "no block bigger than half the spare"
            );
            // Growing a block the arena cannot grow moves it to the spare, contents kept.
            b.write(7);
            let c = heap.realloc(b, more, 256);
            assert!(!c.is_null() && heap.in_spare(c));
            assert_eq!(c.read(), 7);
            assert_eq!(heap.spare.freed.load(Ordering::Relaxed), 200);
            let d = heap.alloc(more);
            assert!(!d.is_null() && heap.in_spare(d));
            heap.dealloc(d, more);
            heap.dealloc(c, Layout::from_size_align(256, 8).unwrap());
            heap.dealloc(a, big);
            assert_eq!(heap.spare.freed.load(Ordering::Relaxed), 656);
            assert_eq!(heap.inner.freed.load(Ordering::Relaxed), 900);
            assert_eq!(heap.left(), 1024, "the arena's block is given back to it");
        }
    }

    #[test]
    fn bytes_come_out_in_order_across_the_wrap_and_beyond_the_size_are_dropped() {
        let console = Console::new();
        for round in 0..3u8 {
            for i in 0..QUEUE - 10 {
                console.receive(round.wrapping_add(i as u8));
            }
            for i in 0..QUEUE - 10 {
                assert_eq!(console.pop(), Some(round.wrapping_add(i as u8)));
            }
            assert_eq!(console.pop(), None);
        }
        for i in 0..QUEUE + 5 {
            console.receive(i as u8);
        }
        let kept = core::iter::from_fn(|| console.pop()).count();
        assert_eq!(
            kept, QUEUE,
            "the queue keeps what fits, as a ring buffer drops the rest"
        );
    }

    #[test]
    fn the_interrupt_character_interrupts_only_while_code_runs() {
        let console = Console::new();
        console.receive(3);
        assert_eq!(console.pop(), Some(3), "at the prompt Ctrl-C is input");
        console.running.store(true, Ordering::Relaxed);
        console.receive(b'a');
        console.receive(3);
        assert!(console.wants_attention());
        assert!(console.take_interrupt());
        assert!(!console.take_interrupt(), "taken once");
        assert_eq!(console.pop(), Some(b'a'));
        assert_eq!(console.pop(), None, "the interrupt character is not queued");
        console.intr_char.store(-1, Ordering::Relaxed);
        console.receive(3);
        assert!(!console.take_interrupt(), "kbd_intr(-1) disarms it");
        assert_eq!(console.pop(), Some(3));
    }
}
