//! The simulator's hardware: the VM's simulated peripherals ([`SimHardware`]), what the page's
//! board view does to them (a button drives a pin, a slider sets an ADC), and the state the
//! page draws, sent as an `hw` event (`HwState` in `web/src/boardview.ts`) when it changed,
//! about 30 times a second at most, never on a poll from the page.

use std::fmt::Write as _;
use std::rc::Rc;

use copperhead_vm::platform::{FsResult, Hardware, PinMode, Pull};
use copperhead_vm::simhw::SimHardware;

use super::{Link, State, json_string};

/// UART output kept for the page between two `hw` events.
const UART_KEEP: usize = 4096;

/// The simulated hardware and what the page has not seen of it yet.
pub struct World {
    hw: SimHardware,
    dirty: bool,
    sent_at: f64,
    /// UART output since the last event, per UART.
    uart: Vec<(u32, Vec<u8>)>,
}

impl World {
    pub fn new() -> Self {
        let mut hw = SimHardware::new();
        // The usual OLED on the I2C bus, at its usual address.
        hw.attach_display(0x3C);
        World {
            hw,
            dirty: false,
            sent_at: 0.0,
            uart: Vec::new(),
        }
    }

    /// The page's board view acted: `p` drives a pin's level, `a` sets an ADC reading; a
    /// `u32` pin and a `u32` value follow.
    pub fn apply(&mut self, body: &[u8]) {
        let word = |at: usize| {
            body.get(at..at + 4)
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let (pin, value) = (word(1), word(5));
        match body.first() {
            Some(b'p') => self.hw.set_input(pin, value != 0),
            Some(b'a') => self.hw.set_adc(pin, value.min(65535) as u16),
            _ => return,
        }
        self.dirty = true;
    }

    /// Sends the state if it changed and the last event is at least `every_ms` old.
    pub fn publish(&mut self, link: &Link, now: f64, every_ms: f64) {
        if self.dirty && now - self.sent_at >= every_ms {
            link.post("hw", &self.state_json(), &[]);
            self.uart.clear();
            self.dirty = false;
            self.sent_at = now;
        }
    }

    fn state_json(&self) -> String {
        let mut j = String::from("{\"pins\":[");
        for (i, (pin, p)) in self.hw.pins.iter().enumerate() {
            let mode = match p.mode {
                PinMode::In => "in",
                PinMode::Out => "out",
                PinMode::OpenDrain => "open-drain",
                PinMode::Alt => "alt",
            };
            let pull = match p.pull {
                Pull::None => "none",
                Pull::Up => "up",
                Pull::Down => "down",
            };
            let pwm = p.pwm.map_or(String::from("null"), |(freq, duty)| {
                format!("{{\"freq\":{freq},\"duty\":{duty}}}")
            });
            let _ = write!(
                j,
                "{}{{\"pin\":{pin},\"mode\":\"{mode}\",\"pull\":\"{pull}\",\"level\":{},\"pwm\":{pwm}}}",
                if i > 0 { "," } else { "" },
                u8::from(p.level)
            );
        }
        j.push_str("],\"adc\":[");
        for (i, (pin, value)) in self.hw.adc.iter().enumerate() {
            let comma = if i > 0 { "," } else { "" };
            let _ = write!(j, "{comma}{{\"pin\":{pin},\"value\":{value}}}");
        }
        j.push_str("],\"pixels\":[");
        for (i, (pin, strip)) in self.hw.strips.iter().enumerate() {
            let comma = if i > 0 { "," } else { "" };
            let _ = write!(
                j,
                "{comma}{{\"pin\":{pin},\"bpp\":{},\"data\":{}}}",
                strip.bpp,
                numbers(&strip.data)
            );
        }
        j.push_str("],\"displays\":[");
        for (i, d) in self.hw.displays.iter().filter(|d| d.written).enumerate() {
            let comma = if i > 0 { "," } else { "" };
            let _ = write!(
                j,
                "{comma}{{\"bus\":{},\"addr\":{},\"width\":{},\"height\":{},\"data\":{}}}",
                d.bus,
                d.addr,
                d.width(),
                d.height,
                numbers(&d.visible())
            );
        }
        j.push_str("],\"uart\":[");
        for (i, (id, bytes)) in self.uart.iter().enumerate() {
            let comma = if i > 0 { "," } else { "" };
            let text = String::from_utf8_lossy(bytes);
            let _ = write!(j, "{comma}{{\"id\":{id},\"text\":{}}}", json_string(&text));
        }
        j.push_str("]}");
        j
    }
}

fn numbers(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 4 + 2);
    s.push('[');
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{b}");
    }
    s.push(']');
    s
}

/// The VM's door to the hardware: each call borrows the board's state for its length and
/// notes a change the page should see.
pub struct SimHw(pub Rc<State>);

impl SimHw {
    fn with<T>(&mut self, change: bool, f: impl FnOnce(&mut SimHardware) -> T) -> T {
        let mut s = self.0.shared.borrow_mut();
        let result = f(&mut s.world.hw);
        if change {
            s.world.dirty = true;
        }
        result
    }
}

impl Hardware for SimHw {
    fn pin_by_name(&self, name: &str) -> Option<u32> {
        self.0.shared.borrow().world.hw.pin_by_name(name)
    }
    fn pin_init(&mut self, pin: u32, mode: PinMode, pull: Pull) -> FsResult<()> {
        self.with(true, |hw| hw.pin_init(pin, mode, pull))
    }
    fn pin_read(&mut self, pin: u32) -> bool {
        self.with(false, |hw| hw.pin_read(pin))
    }
    fn pin_write(&mut self, pin: u32, value: bool) {
        self.with(true, |hw| hw.pin_write(pin, value));
    }
    fn pin_events(&mut self) -> Vec<(u32, bool)> {
        self.with(false, |hw| hw.pin_events())
    }
    fn pwm(&mut self, pin: u32, freq: u32, duty_u16: u16) -> FsResult<()> {
        self.with(true, |hw| hw.pwm(pin, freq, duty_u16))
    }
    fn adc_init(&mut self, pin: u32) -> FsResult<()> {
        self.with(true, |hw| hw.adc_init(pin))
    }
    fn adc_read(&mut self, pin: u32) -> FsResult<u16> {
        self.with(false, |hw| hw.adc_read(pin))
    }
    fn i2c_write(&mut self, bus: i32, addr: u8, data: &[u8], stop: bool) -> FsResult<usize> {
        self.with(true, |hw| hw.i2c_write(bus, addr, data, stop))
    }
    fn i2c_read(&mut self, bus: i32, addr: u8, buf: &mut [u8], stop: bool) -> FsResult<()> {
        self.with(false, |hw| hw.i2c_read(bus, addr, buf, stop))
    }
    fn spi_transfer(&mut self, bus: i32, out: &[u8], inp: &mut [u8]) -> FsResult<()> {
        self.with(false, |hw| hw.spi_transfer(bus, out, inp))
    }
    fn bitstream(&mut self, pin: u32, data: &[u8]) -> FsResult<()> {
        self.with(true, |hw| hw.bitstream(pin, data))
    }
    fn uart_write(&mut self, id: u32, data: &[u8]) -> FsResult<usize> {
        let mut s = self.0.shared.borrow_mut();
        let world = &mut s.world;
        match world.uart.iter_mut().find(|(u, _)| *u == id) {
            Some((_, kept)) => kept.extend_from_slice(data),
            None => world.uart.push((id, data.to_vec())),
        }
        for (_, kept) in &mut world.uart {
            if kept.len() > UART_KEEP {
                kept.drain(..kept.len() - UART_KEEP);
            }
        }
        world.dirty = true;
        world.hw.uart_write(id, data)
    }
    fn uart_read(&mut self, id: u32, buf: &mut [u8]) -> FsResult<usize> {
        self.with(false, |hw| hw.uart_read(id, buf))
    }
    fn uart_any(&mut self, id: u32) -> usize {
        self.with(false, |hw| hw.uart_any(id))
    }
    fn unique_id(&self) -> Vec<u8> {
        self.0.shared.borrow().world.hw.unique_id()
    }
    fn freq(&self) -> u32 {
        self.0.shared.borrow().world.hw.freq()
    }
    fn set_freq(&mut self, hz: u32) -> FsResult<()> {
        self.with(false, |hw| hw.set_freq(hz))
    }
    fn reset(&mut self) {
        self.with(false, |hw| hw.reset());
    }
    fn wdt_start(&mut self, timeout_ms: u32) -> FsResult<()> {
        self.with(false, |hw| hw.wdt_start(timeout_ms))
    }
    fn wdt_feed(&mut self) {
        self.with(false, |hw| hw.wdt_feed());
    }
}
