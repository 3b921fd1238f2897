//! Copperhead on QEMU's `mps2-an385`, the Arm Cortex-M3 machine MicroPython's own QEMU port
//! runs on: the board runtime (`copperhead_firmware::mcu`) on UART0, a CMSDK APB UART whose
//! receive interrupt fills the console, with SysTick as the clock and CMSDK Timer0 waking
//! the core from `wfi` at a sleep's end.
//!
//! Start it with `cargo xtask firmware qemu-mps2 --run`, or by hand:
//! `qemu-system-arm -machine mps2-an385 -nographic -semihosting-config enable=on,target=native -kernel IMAGE`.
//! A panic is printed on the console and ends QEMU through semihosting, with status 1.
#![no_std]
#![no_main]

extern crate alloc;

use core::sync::atomic::{AtomicU32, Ordering};

use copperhead_firmware::mcu::{CONSOLE, Chip, NoHardware};
use copperhead_firmware::repl::BoardInfo;
use copperhead_littlefs::RamDisk;
use copperhead_vm::Config;
use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{NVIC, SCB, SYST};
use cortex_m_rt::{entry, exception};
use embedded_alloc::TlsfHeap as Heap;

/// The allocator's arena: everything the VM allocates, Python objects and bytecode.
#[cfg(not(feature = "small"))]
const ARENA: usize = 3 * 1024 * 1024 + 512 * 1024;
#[cfg(feature = "small")]
const ARENA: usize = 128 * 1024;
/// Of the arena, what Python objects may hold before `MemoryError`.
#[cfg(not(feature = "small"))]
const PYTHON_HEAP: usize = 2 * 1024 * 1024;
#[cfg(feature = "small")]
const PYTHON_HEAP: usize = 64 * 1024;
/// What the board's files may hold in the arena if littlefs cannot start on the disk.
#[cfg(not(feature = "small"))]
const FILES: usize = 64 * 1024;
#[cfg(feature = "small")]
const FILES: usize = 16 * 1024;

/// The processor and peripheral clock of the AN385 image.
const SYSCLK_HZ: u64 = 25_000_000;
const TICKS_PER_US: u64 = SYSCLK_HZ / 1_000_000;

/// The board's disk: the first MiB of the AN385's 16 MiB of PSRAM at 0x2100_0000, which no
/// part of the image touches, so that it keeps its contents over a reset (QEMU loads the
/// image again, and only the image). littlefs formats it at the first boot.
const DISK: usize = 0x2100_0000;
const DISK_SIZE: usize = 1024 * 1024;
/// littlefs's block: the erase unit of the ESP32 family's flash, as MicroPython uses there.
const DISK_BLOCK: u32 = 4096;

copperhead_firmware::arena_allocator!(HEAP: Heap, arena ARENA, spare 16 * 1024);

/// The CMSDK APB UART (ARM DDI 0479C, 4.2): a one-byte buffer each way.
mod uart {
    const BASE: usize = 0x4000_4000;
    const DATA: *mut u32 = BASE as *mut u32;
    const STATE: *mut u32 = (BASE + 0x4) as *mut u32;
    const CTRL: *mut u32 = (BASE + 0x8) as *mut u32;
    const INTCLEAR: *mut u32 = (BASE + 0xC) as *mut u32;
    const BAUDDIV: *mut u32 = (BASE + 0x10) as *mut u32;

    const STATE_TX_FULL: u32 = 1 << 0;
    const STATE_RX_FULL: u32 = 1 << 1;
    const CTRL_TX_EN: u32 = 1 << 0;
    const CTRL_RX_EN: u32 = 1 << 1;
    const CTRL_RX_INT_EN: u32 = 1 << 3;
    const INT_RX: u32 = 1 << 1;

    /// Transmitter and receiver on, an interrupt for each byte received.
    pub fn init() {
        // SAFETY: the UART's registers, used only through this module.
        unsafe {
            BAUDDIV.write_volatile(16);
            CTRL.write_volatile(CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN);
        }
    }

    pub fn write(bytes: &[u8]) {
        for &b in bytes {
            // SAFETY: as above.
            unsafe {
                while STATE.read_volatile() & STATE_TX_FULL != 0 {}
                DATA.write_volatile(u32::from(b));
            }
        }
    }

    /// The receive interrupt: every byte waiting goes to the console.
    pub fn on_receive() {
        // SAFETY: as above.
        unsafe {
            INTCLEAR.write_volatile(INT_RX);
            while STATE.read_volatile() & STATE_RX_FULL != 0 {
                super::CONSOLE.receive(DATA.read_volatile() as u8);
            }
        }
    }
}

/// CMSDK APB Timer0 (ARM DDI 0479C, 4.3), counting down at SYSCLK: it wakes the core at the
/// end of a sleep.
mod timer {
    const BASE: usize = 0x4000_0000;
    const CTRL: *mut u32 = BASE as *mut u32;
    const VALUE: *mut u32 = (BASE + 0x4) as *mut u32;
    const RELOAD: *mut u32 = (BASE + 0x8) as *mut u32;
    const INTCLEAR: *mut u32 = (BASE + 0xC) as *mut u32;

    const CTRL_ENABLE: u32 = 1 << 0;
    const CTRL_INT_EN: u32 = 1 << 3;

    /// An interrupt in `ticks` SYSCLK cycles.
    pub fn arm(ticks: u32) {
        // SAFETY: Timer0's registers, used only through this module.
        unsafe {
            CTRL.write_volatile(0);
            RELOAD.write_volatile(ticks.max(1));
            VALUE.write_volatile(ticks.max(1));
            CTRL.write_volatile(CTRL_ENABLE | CTRL_INT_EN);
        }
    }

    /// The timer's interrupt: one shot, so it stops.
    pub fn on_expiry() {
        // SAFETY: as above.
        unsafe {
            CTRL.write_volatile(0);
            INTCLEAR.write_volatile(1);
        }
    }
}

/// The AN385's interrupt lines that this port uses (QEMU's `hw/arm/mps2.c`).
#[derive(Clone, Copy)]
enum Irq {
    Uart0Rx = 0,
    Timer0 = 8,
}

// SAFETY: the numbers are the machine's interrupt lines.
unsafe impl InterruptNumber for Irq {
    fn number(self) -> u16 {
        self as u16
    }
}

/// SysTick wraps (every 2^24 cycles, 0.67 s) so far.
static WRAPS: AtomicU32 = AtomicU32::new(0);
const SYST_RELOAD: u32 = 0x00FF_FFFF;

#[derive(Clone, Copy)]
struct Mps2;

impl Chip for Mps2 {
    const PLATFORM: &'static str = "qemu";

    fn write(self, bytes: &[u8]) {
        uart::write(bytes);
    }

    fn ticks_us(self) -> u64 {
        loop {
            let wraps = WRAPS.load(Ordering::Acquire);
            let first = SYST::get_current();
            let pending = SCB::is_pendst_pending();
            let second = SYST::get_current();
            if WRAPS.load(Ordering::Acquire) != wraps {
                continue;
            }
            // The counter counts down: a larger second reading wrapped after the first; a
            // pending SysTick exception means a wrap not counted yet.
            let (wraps, current) = if second > first {
                (u64::from(wraps) + 1, second)
            } else if pending {
                (u64::from(wraps) + 1, first)
            } else {
                (u64::from(wraps), first)
            };
            let cycles = (wraps << 24) | u64::from(SYST_RELOAD - current);
            return cycles / TICKS_PER_US;
        }
    }

    fn sleep(self, deadline: Option<u64>) {
        cortex_m::interrupt::free(|_| {
            if CONSOLE.wants_attention() {
                return;
            }
            if let Some(deadline) = deadline {
                let now = self.ticks_us();
                if now >= deadline {
                    return;
                }
                let ticks = (deadline - now).saturating_mul(TICKS_PER_US);
                timer::arm(u32::try_from(ticks).unwrap_or(u32::MAX));
            }
            // With interrupts masked, `wfi` still wakes for a pending one, which then runs
            // as soon as they are unmasked on leaving.
            cortex_m::asm::wfi();
        });
    }

    fn memory_left(self) -> Option<usize> {
        Some(HEAP.left())
    }

    fn reset(self) -> ! {
        SCB::sys_reset()
    }
}

#[entry]
fn main() -> ! {
    // SAFETY: first thing, before anything allocates.
    unsafe { init_heap() };

    let mut core = cortex_m::Peripherals::take().expect("the core's peripherals, taken once");
    core.SYST.set_clock_source(SystClkSource::Core);
    core.SYST.set_reload(SYST_RELOAD);
    core.SYST.clear_current();
    core.SYST.enable_interrupt();
    core.SYST.enable_counter();
    uart::init();
    // SAFETY: their handlers are below; nothing relies on these lines being masked.
    unsafe {
        NVIC::unmask(Irq::Uart0Rx);
        NVIC::unmask(Irq::Timer0);
    }

    let info = BoardInfo {
        version: copperhead_firmware::VERSION,
        build_date: copperhead_firmware::BUILD_DATE,
        board: "MPS2-AN385".into(),
        mcu: "Cortex-M3".into(),
    };
    let config = Config {
        heap_size: PYTHON_HEAP,
        ..Config::default()
    };
    // SAFETY: the disk's region is RAM of the machine's that nothing else uses.
    let disk = unsafe { core::slice::from_raw_parts_mut(DISK as *mut u8, DISK_SIZE) };
    let fs =
        copperhead_firmware::mcu::littlefs_or_ram(RamDisk::from_static(disk, DISK_BLOCK), FILES);
    copperhead_firmware::mcu::serve(Mps2, NoHardware(Mps2), info, config, fs)
}

#[exception]
fn SysTick() {
    WRAPS.store(
        WRAPS.load(Ordering::Relaxed).wrapping_add(1),
        Ordering::Release,
    );
}

#[exception]
unsafe fn DefaultHandler(irq: i16) {
    match irq {
        n if n == Irq::Uart0Rx as i16 => uart::on_receive(),
        n if n == Irq::Timer0 as i16 => timer::on_expiry(),
        _ => {}
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    struct Console;
    impl Write for Console {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            uart::write(s.as_bytes());
            Ok(())
        }
    }
    cortex_m::interrupt::disable();
    let _ = write!(Console, "\r\nFATAL: {info}\r\n");
    cortex_m_semihosting::debug::exit(cortex_m_semihosting::debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
