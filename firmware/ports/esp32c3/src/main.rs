//! Copperhead on the ESP32-C3: the board runtime (`copperhead_firmware::mcu`) with its
//! console on UART0 (GPIO21 TX, GPIO20 RX, 115200 baud) and on the USB-Serial/JTAG port at
//! once: bytes received on either reach the console from their interrupt handlers, output
//! goes to both. The clock is SYSTIMER unit 0 (16 MHz, 52 bits) and its comparator 0 wakes
//! the core from `wfi` at a sleep's end. `machine` drives the chip's peripherals
//! ([`hardware`]).
//!
//! Memory: the C3 has 313 KiB of DRAM for the app (the same SRAM as IRAM, so the code
//! copied to RAM, about 4 KiB, counts too; the statics take about 8 KiB). The main stack
//! keeps [`STACK`] bytes at the top; the heap is everything between the statics and that
//! stack (237 KiB in this build, 242 592 bytes), plus the 64 KiB the ESP-IDF bootloader
//! leaves behind once the app runs: 301 KiB in all. Of that heap, [`PYTHON_HEAP`] (192 KiB)
//! is Python's (`MemoryError` past it); the rest holds the VM's bytecode, stacks and tables.
//! The board's files are littlefs on the flash's `vfs` partition ([`flash`]).
//!
//! Built for size (`opt-level = "s"`): the code runs from flash through a 16 KiB cache, and
//! at `opt-level = 3` the app took 96% of its 1.94 MiB partition (64% this way).
//!
//! Flash (4 MiB modules): the ESP-IDF bootloader at 0x0, the partition table at 0x8000
//! (`partitions.csv`: NVS, PHY data, the app at 0x10000 up to 2 MiB, then `vfs`, the last
//! 2 MiB, for the filesystem: [`flash::FlashBlocks`]). `cargo xtask firmware esp32c3`
//! writes the merged image; flash it with
//! `espflash write-bin 0x0 target/firmware/esp32c3.bin` or
//! `esptool.py write_flash 0x0 target/firmware/esp32c3.bin`.
//!
//! A panic prints its message and a backtrace on the console (esp-backtrace) and resets.
#![no_std]
#![no_main]

extern crate alloc;

mod flash;
mod hardware;

use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};

use copperhead_firmware::mcu::{CONSOLE, Chip};
use copperhead_firmware::repl::BoardInfo;
use copperhead_vm::Config;
use critical_section::Mutex;
use esp_backtrace as _;
use esp_hal::Blocking;
use esp_hal::clock::CpuClock;
use esp_hal::time::{Duration, Instant};
use esp_hal::timer::OneShotTimer;
use esp_hal::timer::systimer::SystemTimer;
use esp_hal::uart::{self, Uart, UartInterrupt};
use esp_hal::usb::usb_serial_jtag::UsbSerialJtag;

esp_bootloader_esp_idf::esp_app_desc!();

/// The main stack: the VM never recurses on it for Python calls, but the parser, the
/// compiler and native code calling back into Python do, boundedly.
const STACK: usize = 64 * 1024;
/// What Python objects may hold before `MemoryError`.
const PYTHON_HEAP: usize = 192 * 1024;
/// What the board's files may hold in RAM if littlefs cannot start on the flash.
const FILES: usize = 32 * 1024;
/// The DRAM the ESP-IDF bootloader used, free once the app runs (`dram2_seg`, 66 320
/// bytes on the C3).
const RECLAIMED: usize = 64 * 1024;

/// The CPU clock `machine.freq()` reports.
pub const CPU_HZ: u32 = 160_000_000;

/// UART0, the console's serial line: the receive interrupt reads it, the board writes it.
static UART0: Mutex<RefCell<Option<Uart<'static, Blocking>>>> = Mutex::new(RefCell::new(None));
/// The USB-Serial/JTAG port, the console of boards without a USB-UART bridge.
static USB: Mutex<RefCell<Option<UsbSerialJtag<'static, Blocking>>>> =
    Mutex::new(RefCell::new(None));
/// SYSTIMER comparator 0 as a one-shot: it ends a sleep.
static ALARM: Mutex<RefCell<Option<OneShotTimer<'static, Blocking>>>> =
    Mutex::new(RefCell::new(None));
/// Nobody read the USB port's last packet in time (no host, or no terminal open): output
/// to it is dropped, without waiting, until it takes bytes again.
static USB_STALLED: AtomicBool = AtomicBool::new(false);
/// How long a write waits for a USB host to take a full packet before giving up.
const USB_PATIENCE_US: u64 = 50_000;

#[derive(Clone, Copy)]
pub struct EspC3;

impl Chip for EspC3 {
    const PLATFORM: &'static str = "esp32";

    fn write(self, bytes: &[u8]) {
        write_uart(bytes);
        write_usb(bytes);
    }

    fn ticks_us(self) -> u64 {
        Instant::now().duration_since_epoch().as_micros()
    }

    fn sleep(self, deadline: Option<u64>) {
        critical_section::with(|cs| {
            if CONSOLE.wants_attention() {
                return;
            }
            if let Some(deadline) = deadline {
                let now = self.ticks_us();
                if now >= deadline {
                    return;
                }
                if let Some(alarm) = ALARM.borrow_ref_mut(cs).as_mut() {
                    // A deadline beyond the comparator's range just wakes early.
                    let wait = Duration::from_micros((deadline - now).min(1 << 40));
                    let _ = alarm.schedule(wait);
                }
            }
            // With interrupts masked (mstatus.MIE clear), `wfi` still wakes for a pending
            // interrupt, which runs once the critical section ends.
            // SAFETY: `wfi` only waits.
            unsafe { core::arch::asm!("wfi") };
        });
    }

    fn memory_left(self) -> Option<usize> {
        Some(esp_alloc::HEAP.free())
    }

    fn reset(self) -> ! {
        esp_hal::system::software_reset()
    }
}

/// Bytes to UART0, critical sections as short as the FIFO's room so that receiving goes
/// on while a long output drains.
fn write_uart(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let sent = critical_section::with(|cs| {
            let mut uart = UART0.borrow_ref_mut(cs);
            let Some(uart) = uart.as_mut() else {
                return bytes.len();
            };
            if !uart.write_ready() {
                return 0;
            }
            uart.write(bytes).unwrap_or(bytes.len())
        });
        bytes = &bytes[sent..];
    }
}

/// Bytes to the USB-Serial/JTAG port: 64-byte packets the host polls for. Without a host
/// reading, the output is dropped after [`USB_PATIENCE_US`] rather than stopping the board.
fn write_usb(bytes: &[u8]) {
    let mut at = 0;
    let mut waiting_since = None;
    while at < bytes.len() {
        let taken = critical_section::with(|cs| {
            let mut usb = USB.borrow_ref_mut(cs);
            let usb = usb.as_mut()?;
            let mut n = 0;
            while at + n < bytes.len() && usb.write_byte_nb(bytes[at + n]).is_ok() {
                n += 1;
            }
            if at + n < bytes.len() {
                let _ = usb.flush_tx_nb();
            }
            Some(n)
        });
        let Some(taken) = taken else { return };
        if taken > 0 {
            USB_STALLED.store(false, Ordering::Relaxed);
            waiting_since = None;
            at += taken;
            continue;
        }
        if USB_STALLED.load(Ordering::Relaxed) {
            return;
        }
        let now = EspC3.ticks_us();
        let since = *waiting_since.get_or_insert(now);
        if now - since > USB_PATIENCE_US {
            USB_STALLED.store(true, Ordering::Relaxed);
            return;
        }
    }
    critical_section::with(|cs| {
        if let Some(usb) = USB.borrow_ref_mut(cs).as_mut() {
            let _ = usb.flush_tx_nb();
        }
    });
}

#[esp_hal::handler]
fn on_uart0() {
    critical_section::with(|cs| {
        let mut uart = UART0.borrow_ref_mut(cs);
        let Some(uart) = uart.as_mut() else { return };
        let mut chunk = [0u8; 32];
        loop {
            match uart.read_buffered(&mut chunk) {
                Ok(0) => break,
                Ok(n) => chunk[..n].iter().for_each(|&b| CONSOLE.receive(b)),
                // An overflow or a framing error: the bytes that came are still there.
                Err(_) => continue,
            }
        }
        uart.clear_interrupts(UartInterrupt::RxFifoFull | UartInterrupt::RxTimeout);
    });
}

#[esp_hal::handler]
fn on_usb() {
    critical_section::with(|cs| {
        let mut usb = USB.borrow_ref_mut(cs);
        let Some(usb) = usb.as_mut() else { return };
        while let Ok(byte) = usb.read_byte() {
            CONSOLE.receive(byte);
        }
        usb.reset_rx_packet_recv_interrupt();
    });
}

#[esp_hal::handler]
fn on_alarm() {
    critical_section::with(|cs| {
        if let Some(alarm) = ALARM.borrow_ref_mut(cs).as_mut() {
            alarm.clear_interrupt();
            alarm.stop();
        }
    });
}

/// The heap: the DRAM between the statics and the stack's [`STACK`] bytes, then what the
/// bootloader leaves. Returns the first region's size.
fn init_heap() -> usize {
    unsafe extern "C" {
        static _stack_end: u8;
        static _stack_start: u8;
    }
    let bottom = (&raw const _stack_end) as usize;
    let top = (&raw const _stack_start) as usize;
    // The stack's guard word, which a watchpoint catches writes to, moves to the new
    // bottom of the stack; the heap starts past the old one.
    let start = (bottom + 64 + 15) & !15;
    let guard = (top - STACK) & !15;
    let size = guard.saturating_sub(start + 16);
    // SAFETY: this range is below the stack's new bottom and above every static: nothing
    // else uses it. The watchpoint address is word-aligned.
    unsafe {
        (guard as *mut u32).write_volatile(0xDEAD_BEEF);
        esp_hal::debugger::set_stack_watchpoint(guard);
        esp_alloc::HEAP.add_region(esp_alloc::HeapRegion::new(
            start as *mut u8,
            size,
            esp_alloc::MemoryCapability::Internal.into(),
        ));
    }
    esp_alloc::heap_allocator!(#[esp_hal::ram(reclaimed)] size: RECLAIMED);
    size
}

#[esp_hal::main]
fn main() -> ! {
    let peripherals = esp_hal::init(esp_hal::Config::default().with_cpu_clock(CpuClock::_160MHz));
    init_heap();

    let config = uart::Config::default()
        .with_baudrate(115_200)
        .with_rx(uart::RxConfig::default().with_fifo_full_threshold(1));
    let mut uart0 = Uart::new(peripherals.UART0, config)
        .expect("UART0 takes the console's configuration")
        .with_tx(peripherals.GPIO21)
        .with_rx(peripherals.GPIO20);
    uart0.set_interrupt_handler(on_uart0);
    uart0.listen(UartInterrupt::RxFifoFull | UartInterrupt::RxTimeout);

    let mut usb = UsbSerialJtag::new(peripherals.USB_DEVICE);
    usb.set_interrupt_handler(on_usb);
    usb.listen_rx_packet_recv_interrupt();

    let systimer = SystemTimer::new(peripherals.SYSTIMER);
    let mut alarm = OneShotTimer::new(systimer.alarm0);
    alarm.set_interrupt_handler(on_alarm);
    alarm.listen();

    critical_section::with(|cs| {
        UART0.borrow_ref_mut(cs).replace(uart0);
        USB.borrow_ref_mut(cs).replace(usb);
        ALARM.borrow_ref_mut(cs).replace(alarm);
    });

    // The board's files: littlefs on the flash's `vfs` partition, kept across resets.
    let fs = match flash::FlashBlocks::open(peripherals.FLASH) {
        Some(blocks) => copperhead_firmware::mcu::littlefs_or_ram(blocks, FILES),
        None => alloc::boxed::Box::new(copperhead_vm::memfs::MemFs::new(FILES)),
    };

    let hardware = hardware::C3Hardware::new(hardware::Peripherals {
        i2c0: peripherals.I2C0,
        spi2: peripherals.SPI2,
        uart1: peripherals.UART1,
        ledc: peripherals.LEDC,
        adc1: peripherals.ADC1,
        io_mux: peripherals.IO_MUX,
    });

    let info = BoardInfo {
        version: copperhead_firmware::VERSION,
        build_date: copperhead_firmware::BUILD_DATE,
        board: "ESP32-C3 module".into(),
        mcu: "ESP32C3".into(),
    };
    let config = Config {
        heap_size: PYTHON_HEAP,
        ..Config::default()
    };
    copperhead_firmware::mcu::serve(EspC3, hardware, info, config, fs)
}
