//! Simulated peripherals for boards without real ones (the virtual board, the browser
//! simulator): pins that hold their level, PWM and ADC state that can be read back (for a
//! board view), the bytes last clocked out to a pin with `machine.bitstream` (a NeoPixel
//! strip), UARTs that loop back what is written, I2C buses with no devices on them unless
//! the embedder attaches an SSD1306 display, an SPI bus with none, and a watchdog that only
//! records its feeding. The embedder can read and set the state to show it or to play the
//! outside world (`set_input`, `set_adc`).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use crate::platform::{FsResult, Hardware, PinMode, Pull, errno};
use crate::ssd1306::Ssd1306;

/// One simulated pin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SimPin {
    pub mode: PinMode,
    pub pull: Pull,
    /// The level driven by the program (outputs) or by the outside world (inputs).
    pub level: bool,
    /// PWM frequency and duty, when it is driven with PWM.
    pub pwm: Option<(u32, u16)>,
}

/// The bytes last clocked out on a pin (`machine.bitstream`), as a NeoPixel strip shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Strip {
    /// Bytes per pixel: 3 (GRB), as `neopixel.NeoPixel` writes by default.
    pub bpp: u8,
    pub data: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct SimHardware {
    pub pins: BTreeMap<u32, SimPin>,
    pub adc: BTreeMap<u32, u16>,
    pub strips: BTreeMap<u32, Strip>,
    /// Displays on the I2C buses (each answers its address on any bus).
    pub displays: Vec<Ssd1306>,
    uarts: BTreeMap<u32, VecDeque<u8>>,
    events: Vec<(u32, bool)>,
    pub freq: u32,
    /// Timeout of a started watchdog, and how often it was fed.
    pub watchdog: Option<(u32, u64)>,
    /// `machine.reset()` was called.
    pub reset_requested: bool,
}

/// Board names of the simulated pins: an ESP32-C3 board's user LED on GPIO 8 and its BOOT
/// button on GPIO 9.
const NAMES: &[(&str, u32)] = &[("LED", 8), ("BOOT", 9)];

/// The most bytes a simulated UART holds before dropping what arrives.
const UART_BUFFER: usize = 4096;

impl SimHardware {
    pub fn new() -> Self {
        SimHardware {
            freq: 160_000_000,
            ..SimHardware::default()
        }
    }

    fn pin(&mut self, pin: u32) -> &mut SimPin {
        self.pins.entry(pin).or_default()
    }

    /// Drive an input pin from outside (a button in the board view).
    pub fn set_input(&mut self, pin: u32, level: bool) {
        let p = self.pin(pin);
        if p.level != level {
            p.level = level;
            self.events.push((pin, level));
        }
    }

    /// Put an SSD1306 display on the I2C buses at `addr`.
    pub fn attach_display(&mut self, addr: u8) {
        self.displays.push(Ssd1306::new(addr));
    }

    /// Set what the ADC on `pin` reads.
    pub fn set_adc(&mut self, pin: u32, value: u16) {
        self.adc.insert(pin, value);
    }
}

impl Hardware for SimHardware {
    fn pin_by_name(&self, name: &str) -> Option<u32> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    fn pin_init(&mut self, pin: u32, mode: PinMode, pull: Pull) -> FsResult<()> {
        if pin > 255 {
            return Err(errno::EINVAL);
        }
        let p = self.pin(pin);
        p.mode = mode;
        p.pull = pull;
        // An undriven input follows its pull resistor.
        if mode == PinMode::In {
            let level = match pull {
                Pull::Up => true,
                Pull::Down => false,
                Pull::None => p.level,
            };
            self.set_input(pin, level);
        }
        Ok(())
    }

    fn pin_read(&mut self, pin: u32) -> bool {
        self.pin(pin).level
    }

    fn pin_write(&mut self, pin: u32, value: bool) {
        let p = self.pin(pin);
        p.pwm = None;
        if p.level != value {
            p.level = value;
            self.events.push((pin, value));
        }
    }

    fn pin_events(&mut self) -> Vec<(u32, bool)> {
        core::mem::take(&mut self.events)
    }

    fn pwm(&mut self, pin: u32, freq: u32, duty_u16: u16) -> FsResult<()> {
        self.pin(pin).pwm = (freq > 0).then_some((freq, duty_u16));
        Ok(())
    }

    fn adc_init(&mut self, pin: u32) -> FsResult<()> {
        self.adc.entry(pin).or_insert(0);
        Ok(())
    }

    fn adc_read(&mut self, pin: u32) -> FsResult<u16> {
        Ok(self.adc.get(&pin).copied().unwrap_or(0))
    }

    fn bitstream(&mut self, pin: u32, data: &[u8]) -> FsResult<()> {
        let strip = self.strips.entry(pin).or_default();
        strip.bpp = 3;
        strip.data = data.to_vec();
        Ok(())
    }

    fn i2c_write(&mut self, bus: i32, addr: u8, data: &[u8], _stop: bool) -> FsResult<usize> {
        let display = self.displays.iter_mut().find(|d| d.addr == addr);
        let display = display.ok_or(errno::ENODEV)?;
        display.bus = bus;
        display.write(data);
        Ok(data.len())
    }

    /// A display answers a read with its status byte: on or off.
    fn i2c_read(&mut self, _bus: i32, addr: u8, buf: &mut [u8], _stop: bool) -> FsResult<()> {
        let display = self.displays.iter().find(|d| d.addr == addr);
        let on = display.ok_or(errno::ENODEV)?.on;
        buf.fill(if on { 0x00 } else { 0x40 });
        Ok(())
    }

    /// Nothing answers: MISO reads high, as an idle line with a pull-up does.
    fn spi_transfer(&mut self, _bus: i32, _out: &[u8], inp: &mut [u8]) -> FsResult<()> {
        inp.fill(0xff);
        Ok(())
    }

    fn uart_write(&mut self, id: u32, data: &[u8]) -> FsResult<usize> {
        let q = self.uarts.entry(id).or_default();
        for &b in data {
            if q.len() < UART_BUFFER {
                q.push_back(b);
            }
        }
        Ok(data.len())
    }

    fn uart_read(&mut self, id: u32, buf: &mut [u8]) -> FsResult<usize> {
        let q = self.uarts.entry(id).or_default();
        let n = buf.len().min(q.len());
        for (slot, b) in buf.iter_mut().zip(q.drain(..n)) {
            *slot = b;
        }
        Ok(n)
    }

    fn uart_any(&mut self, id: u32) -> usize {
        self.uarts.get(&id).map_or(0, VecDeque::len)
    }

    fn unique_id(&self) -> Vec<u8> {
        alloc::vec![0xc0, 0xff, 0xee, 0x00, 0x00, 0x01]
    }

    fn freq(&self) -> u32 {
        self.freq
    }

    fn set_freq(&mut self, hz: u32) -> FsResult<()> {
        if !(1_000_000..=1_000_000_000).contains(&hz) {
            return Err(errno::EINVAL);
        }
        self.freq = hz;
        Ok(())
    }

    fn reset(&mut self) {
        self.reset_requested = true;
    }

    fn wdt_start(&mut self, timeout_ms: u32) -> FsResult<()> {
        self.watchdog = Some((timeout_ms, 0));
        Ok(())
    }

    fn wdt_feed(&mut self) {
        if let Some((_, fed)) = &mut self.watchdog {
            *fed += 1;
        }
    }
}
