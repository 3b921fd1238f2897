//! Copperhead on QEMU's RISC-V `virt` machine with an rv32imac hart, the ESP32-C3's
//! architecture: the board runtime (`copperhead_firmware::mcu`) on the machine's 16550 UART,
//! whose receive interrupt (through the PLIC) fills the console from its 16-byte FIFO, with
//! the CLINT's `mtime` as the clock and its `mtimecmp` waking the hart from `wfi` at a
//! sleep's end.
//!
//! Start it with `cargo xtask firmware qemu-virt-rv32 --run`, or by hand:
//! `qemu-system-riscv32 -machine virt -bios none -nographic -kernel IMAGE`.
//! A panic is printed on the console and ends QEMU through the machine's test device, with
//! status 1; `machine.reset()` resets the machine through the same device.
#![no_std]
#![no_main]

extern crate alloc;

use copperhead_firmware::mcu::{CONSOLE, Chip, NoHardware};
use copperhead_firmware::repl::BoardInfo;
use copperhead_littlefs::RamDisk;
use copperhead_vm::Config;
use embedded_alloc::TlsfHeap as Heap;
use riscv::interrupt::machine::Interrupt;

/// The allocator's arena: everything the VM allocates, Python objects and bytecode.
const ARENA: usize = 3 * 1024 * 1024 + 512 * 1024;
/// Of the arena, what Python objects may hold before `MemoryError`.
const PYTHON_HEAP: usize = 2 * 1024 * 1024;
/// What the board's files may hold in the arena if littlefs cannot start on the disk.
const FILES: usize = 64 * 1024;

/// The board's disk: a MiB of RAM above the 16 MiB that `memory.x` gives the image, which
/// no part of the image touches, so that it keeps its contents over a reset (QEMU loads the
/// image again, and only the image). littlefs formats it at the first boot.
const DISK: usize = 0x8100_0000;
const DISK_SIZE: usize = 1024 * 1024;
/// littlefs's block: the erase unit of the ESP32 family's flash, as MicroPython uses there.
const DISK_BLOCK: u32 = 4096;

copperhead_firmware::arena_allocator!(HEAP: Heap, arena ARENA, spare 16 * 1024);

/// The NS16550A UART at 0x1000_0000 (QEMU's `hw/char/serial.c`), in FIFO mode.
mod uart {
    const BASE: usize = 0x1000_0000;
    /// Receive buffer (read) and transmit holding register (write).
    const DATA: *mut u8 = BASE as *mut u8;
    const IER: *mut u8 = (BASE + 1) as *mut u8;
    const FCR: *mut u8 = (BASE + 2) as *mut u8;
    const LCR: *mut u8 = (BASE + 3) as *mut u8;
    const MCR: *mut u8 = (BASE + 4) as *mut u8;
    const LSR: *mut u8 = (BASE + 5) as *mut u8;

    const IER_RX_AVAILABLE: u8 = 1 << 0;
    /// FIFOs on and cleared, the receive interrupt at one byte.
    const FCR_FIFO: u8 = 0b0000_0111;
    /// Eight data bits, no parity, one stop bit.
    const LCR_8N1: u8 = 0b0000_0011;
    /// OUT2 gates the interrupt line on PC-style boards.
    const MCR_OUT2: u8 = 1 << 3;
    const LSR_DATA_READY: u8 = 1 << 0;
    const LSR_TX_EMPTY: u8 = 1 << 5;
    /// The transmit FIFO's depth: bytes that may follow an empty-holding-register flag.
    const TX_FIFO: usize = 16;

    pub fn init() {
        // SAFETY: the UART's registers, used only through this module.
        unsafe {
            LCR.write_volatile(LCR_8N1);
            FCR.write_volatile(FCR_FIFO);
            MCR.write_volatile(MCR_OUT2);
            IER.write_volatile(IER_RX_AVAILABLE);
        }
    }

    pub fn write(bytes: &[u8]) {
        for chunk in bytes.chunks(TX_FIFO) {
            // SAFETY: as above.
            unsafe {
                while LSR.read_volatile() & LSR_TX_EMPTY == 0 {}
                for &b in chunk {
                    DATA.write_volatile(b);
                }
            }
        }
    }

    /// The receive interrupt: the FIFO's bytes go to the console.
    pub fn on_receive() {
        // SAFETY: as above.
        unsafe {
            while LSR.read_volatile() & LSR_DATA_READY != 0 {
                super::CONSOLE.receive(DATA.read_volatile());
            }
        }
    }
}

/// The platform-level interrupt controller (the RISC-V PLIC specification), for hart 0 in
/// machine mode (context 0).
mod plic {
    const BASE: usize = 0x0C00_0000;
    const ENABLE: *mut u32 = (BASE + 0x2000) as *mut u32;
    const THRESHOLD: *mut u32 = (BASE + 0x20_0000) as *mut u32;
    const CLAIM: *mut u32 = (BASE + 0x20_0004) as *mut u32;

    /// The UART's interrupt source on `virt`.
    pub const UART0: u32 = 10;

    /// Let `source` interrupt the hart.
    pub fn enable(source: u32) {
        // SAFETY: the PLIC's registers, used only through this module; the enable bits of
        // context 0 are written only here, before interrupts are on.
        unsafe {
            ((BASE + 4 * source as usize) as *mut u32).write_volatile(1);
            let word = ENABLE.add(source as usize / 32);
            word.write_volatile(word.read_volatile() | 1 << (source % 32));
            THRESHOLD.write_volatile(0);
        }
    }

    /// The highest pending source (0 for none), now in service.
    pub fn claim() -> u32 {
        // SAFETY: as above.
        unsafe { CLAIM.read_volatile() }
    }

    pub fn complete(source: u32) {
        // SAFETY: as above.
        unsafe { CLAIM.write_volatile(source) }
    }
}

/// The core-local interruptor: `mtime` counts at 10 MHz; hart 0 is interrupted when it
/// reaches `mtimecmp`.
mod clint {
    const MTIMECMP: *mut u32 = 0x0200_4000 as *mut u32;
    const MTIME: *const u32 = 0x0200_BFF8 as *const u32;
    pub const TICKS_PER_US: u64 = 10;

    pub fn now() -> u64 {
        // SAFETY: the CLINT's registers, used only through this module.
        unsafe {
            loop {
                let high = MTIME.add(1).read_volatile();
                let low = MTIME.read_volatile();
                if MTIME.add(1).read_volatile() == high {
                    return u64::from(high) << 32 | u64::from(low);
                }
            }
        }
    }

    /// An interrupt once `mtime` reaches `at` (`u64::MAX`: never). Written high word
    /// first, as the privileged specification advises, so that no half-written value is
    /// ever below `mtime`.
    pub fn alarm(at: u64) {
        // SAFETY: as above.
        unsafe {
            MTIMECMP.add(1).write_volatile(u32::MAX);
            MTIMECMP.write_volatile(at as u32);
            MTIMECMP.add(1).write_volatile((at >> 32) as u32);
        }
    }
}

/// QEMU's SiFive test device: a write resets the machine or ends QEMU with a status.
mod test_device {
    const FINISHER: *mut u32 = 0x0010_0000 as *mut u32;
    const RESET: u32 = 0x7777;
    const FAIL: u32 = 0x3333;

    pub fn reset() -> ! {
        // SAFETY: the device's one register.
        unsafe { FINISHER.write_volatile(RESET) };
        loop {
            riscv::asm::wfi();
        }
    }

    pub fn exit_failure(status: u16) -> ! {
        // SAFETY: as above.
        unsafe { FINISHER.write_volatile(u32::from(status) << 16 | FAIL) };
        loop {
            riscv::asm::wfi();
        }
    }
}

#[derive(Clone, Copy)]
struct Virt;

impl Chip for Virt {
    const PLATFORM: &'static str = "qemu";

    fn write(self, bytes: &[u8]) {
        uart::write(bytes);
    }

    fn ticks_us(self) -> u64 {
        clint::now() / clint::TICKS_PER_US
    }

    fn sleep(self, deadline: Option<u64>) {
        riscv::interrupt::free(|| {
            if CONSOLE.wants_attention() {
                return;
            }
            if let Some(deadline) = deadline {
                if self.ticks_us() >= deadline {
                    return;
                }
                clint::alarm(deadline.saturating_mul(clint::TICKS_PER_US));
            }
            // With interrupts masked, `wfi` still wakes for an enabled one pending, which
            // is taken as soon as they are unmasked on leaving.
            riscv::asm::wfi();
        });
    }

    fn memory_left(self) -> Option<usize> {
        Some(HEAP.left())
    }

    fn reset(self) -> ! {
        test_device::reset()
    }
}

#[riscv_rt::entry]
fn main() -> ! {
    // SAFETY: first thing, before anything allocates.
    unsafe { init_heap() };

    clint::alarm(u64::MAX);
    uart::init();
    plic::enable(plic::UART0);
    // SAFETY: their handlers are below; nothing relies on these lines being masked.
    unsafe {
        riscv::interrupt::enable_interrupt(Interrupt::MachineExternal);
        riscv::interrupt::enable_interrupt(Interrupt::MachineTimer);
        riscv::interrupt::enable();
    }

    let info = BoardInfo {
        version: copperhead_firmware::VERSION,
        build_date: copperhead_firmware::BUILD_DATE,
        board: "QEMU virt".into(),
        mcu: "RV32IMAC".into(),
    };
    let config = Config {
        heap_size: PYTHON_HEAP,
        ..Config::default()
    };
    // SAFETY: the disk's region is RAM of the machine's that nothing else uses.
    let disk = unsafe { core::slice::from_raw_parts_mut(DISK as *mut u8, DISK_SIZE) };
    let fs =
        copperhead_firmware::mcu::littlefs_or_ram(RamDisk::from_static(disk, DISK_BLOCK), FILES);
    copperhead_firmware::mcu::serve(Virt, NoHardware(Virt), info, config, fs)
}

#[riscv_rt::core_interrupt(Interrupt::MachineExternal)]
fn machine_external() {
    loop {
        match plic::claim() {
            0 => break,
            source => {
                if source == plic::UART0 {
                    uart::on_receive();
                }
                plic::complete(source);
            }
        }
    }
}

/// The sleep's deadline came: one shot, so the alarm is put out of reach.
#[riscv_rt::core_interrupt(Interrupt::MachineTimer)]
fn machine_timer() {
    clint::alarm(u64::MAX);
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
    riscv::interrupt::disable();
    let _ = write!(Console, "\r\nFATAL: {info}\r\n");
    test_device::exit_failure(1)
}
