//! `machine` on the ESP32-C3's peripherals: the VM's [`Hardware`] over esp-hal's drivers.
//!
//! - Pins 0–21 but the flash's (12–17): `Pin` in, out and open-drain with pulls. `Pin.irq`
//!   works from the GPIO interrupt: once a program asks for pin events, every input pin is
//!   watched for edges, so a pulse shorter than the VM's polling is still reported.
//! - `PWM` on the LEDC's six low-speed channels and four timers (one per frequency in use),
//!   from about 5 Hz to 40 MHz, the duty's resolution as fine as the frequency allows (at
//!   most 14 bits).
//! - `ADC` on ADC1, GPIO0–4, 11 dB attenuation (0 to about 2.5 V), scaled to 16 bits.
//! - `I2C(0)`: I2C0 at 400 kHz, SCL GPIO9, SDA GPIO8 (MicroPython's pins for it). A write
//!   without a stop is held back and sent with the next transfer, after a repeated start.
//! - `SPI(1)`: SPI2 at 1 MHz, mode 0, SCK GPIO6, MOSI GPIO7, MISO GPIO2.
//! - `UART(1)`: UART1 at 115200 baud, TX GPIO10, RX GPIO5.
//! - `WDT`: timer group 0's watchdog, which resets the chip.
//! - `unique_id`: the factory MAC address in eFuse; `freq`: 160 MHz.
//!
//! The VM's bus constructors do not pass pins or speeds on yet, so the pins above are fixed.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use copperhead_vm::platform::{FsResult, Hardware, PinMode, Pull, errno};
use esp_hal::Blocking;
use esp_hal::analog::adc::{Adc, AdcChannel, AdcConfig, AdcPin, Attenuation};
use esp_hal::gpio::{
    AnyPin, DriveMode, Event, Flex, InputConfig, Io, Level, OutputConfig, Pull as HalPull,
};
use esp_hal::i2c::master::{self as i2c, I2c, Operation};
use esp_hal::ledc::channel::{self, ChannelHW, ChannelIFace};
use esp_hal::ledc::timer::{self, TimerIFace};
use esp_hal::ledc::{LSGlobalClkSource, Ledc, LowSpeed};
use esp_hal::peripherals::{
    ADC1, GPIO, GPIO0, GPIO1, GPIO2, GPIO3, GPIO4, GPIO5, GPIO6, GPIO7, GPIO8, GPIO9, GPIO10, I2C0,
    IO_MUX, LEDC, SPI2, TIMG0, UART1,
};
use esp_hal::spi::master::{self as spi, Spi};
use esp_hal::time::{Duration, Rate};
use esp_hal::timer::timg::{MwdtStage, Wdt};
use esp_hal::uart::{self, Uart};

/// The chip's GPIOs.
const PINS: usize = 22;
/// GPIO12–17 run the SPI flash on every C3 module: never `machine`'s.
const FLASH_PINS: core::ops::RangeInclusive<u8> = 12..=17;
const PWM_CHANNELS: usize = 6;
const PWM_TIMERS: usize = 4;
/// The LEDC's clock (APB).
const LEDC_HZ: u32 = 80_000_000;

/// The peripherals `machine` owns.
pub struct Peripherals {
    pub i2c0: I2C0<'static>,
    pub spi2: SPI2<'static>,
    pub uart1: UART1<'static>,
    pub ledc: LEDC<'static>,
    pub adc1: ADC1<'static>,
    pub io_mux: IO_MUX<'static>,
}

/// A handle to `machine`'s peripherals, shared by the VMs of successive soft resets.
#[derive(Clone)]
pub struct C3Hardware(Rc<RefCell<State>>);

struct State {
    /// Each configured pin's driver.
    pins: [Option<Flex<'static>>; PINS],
    /// The level each pin drives (or will once it is an output).
    levels: u32,
    /// Pin events were asked for: input pins are watched for edges.
    watching: bool,
    /// The levels last reported by [`Hardware::pin_events`].
    reported: u32,
    pwm: Pwm,
    adc: Analog,
    i2c: Option<I2c<'static, Blocking>>,
    /// A write that ended without a stop: address and bytes, sent with the next transfer.
    held: Option<(u8, Vec<u8>)>,
    i2c0: Option<I2C0<'static>>,
    spi: Option<Spi<'static, Blocking>>,
    spi2: Option<SPI2<'static>>,
    uart: Option<Uart<'static, Blocking>>,
    uart1: Option<UART1<'static>>,
    /// Bytes UART1 received that `any` counted and `read` has not taken.
    uart_rx: Vec<u8>,
    wdt: Option<Wdt<TIMG0<'static>>>,
}

impl C3Hardware {
    pub fn new(p: Peripherals) -> C3Hardware {
        let mut io = Io::new(p.io_mux);
        io.set_interrupt_handler(on_gpio);
        let mut ledc = Ledc::new(p.ledc);
        ledc.set_global_slow_clock(LSGlobalClkSource::APBClk);
        C3Hardware(Rc::new(RefCell::new(State {
            pins: [const { None }; PINS],
            levels: 0,
            watching: false,
            reported: 0,
            pwm: Pwm {
                ledc,
                channels: [None; PWM_CHANNELS],
                timers: [None; PWM_TIMERS],
            },
            adc: Analog {
                adc1: Some(p.adc1),
                ..Analog::default()
            },
            i2c: None,
            held: None,
            i2c0: Some(p.i2c0),
            spi: None,
            spi2: Some(p.spi2),
            uart: None,
            uart1: Some(p.uart1),
            uart_rx: Vec::new(),
            wdt: None,
        })))
    }
}

/// Edges seen on watched pins since [`Hardware::pin_events`] last took them: one bit a pin.
/// Written by the GPIO interrupt, taken with interrupts masked.
static EDGES: critical_section::Mutex<core::cell::Cell<u32>> =
    critical_section::Mutex::new(core::cell::Cell::new(0));

#[esp_hal::handler]
fn on_gpio() {
    let gpio = GPIO::regs();
    let hit = gpio.status().read().bits();
    // SAFETY: writing ones to the clear register clears exactly those pins' flags.
    gpio.status_w1tc().write(|w| unsafe { w.bits(hit) });
    critical_section::with(|cs| {
        let edges = EDGES.borrow(cs);
        edges.set(edges.get() | hit);
    });
}

/// A pin number `machine` may use.
fn gpio(pin: u32) -> FsResult<u8> {
    u8::try_from(pin)
        .ok()
        .filter(|&n| usize::from(n) < PINS && !FLASH_PINS.contains(&n))
        .ok_or(errno::EINVAL)
}

impl Hardware for C3Hardware {
    fn pin_init(&mut self, pin: u32, mode: PinMode, pull: Pull) -> FsResult<()> {
        let n = gpio(pin)?;
        let mut s = self.0.borrow_mut();
        s.pwm.stop(n);
        // A fresh driver: the pin back to a plain GPIO, whatever drove it before.
        // SAFETY: `machine` holds at most one driver per pin, this one.
        let mut flex = Flex::new(unsafe { AnyPin::steal(n) });
        let pull = match pull {
            Pull::None => HalPull::None,
            Pull::Up => HalPull::Up,
            Pull::Down => HalPull::Down,
        };
        match mode {
            PinMode::In => {
                flex.set_output_enable(false);
                flex.apply_input_config(&InputConfig::default().with_pull(pull));
                flex.set_input_enable(true);
                if s.watching {
                    flex.listen(Event::AnyEdge);
                }
            }
            PinMode::Out | PinMode::OpenDrain => {
                let drive = if mode == PinMode::Out {
                    DriveMode::PushPull
                } else {
                    DriveMode::OpenDrain
                };
                let config = OutputConfig::default()
                    .with_drive_mode(drive)
                    .with_pull(pull);
                flex.apply_output_config(&config);
                flex.set_level(Level::from(s.levels & (1 << n) != 0));
                flex.set_input_enable(true);
                flex.set_output_enable(true);
            }
            PinMode::Alt => return Err(errno::EINVAL),
        }
        s.pins[usize::from(n)] = Some(flex);
        Ok(())
    }

    fn pin_read(&mut self, pin: u32) -> bool {
        let Ok(n) = gpio(pin) else { return false };
        let s = self.0.borrow();
        s.pins[usize::from(n)].as_ref().is_some_and(Flex::is_high)
    }

    fn pin_write(&mut self, pin: u32, value: bool) {
        let Ok(n) = gpio(pin) else { return };
        let mut s = self.0.borrow_mut();
        if value {
            s.levels |= 1 << n;
        } else {
            s.levels &= !(1 << n);
        }
        if let Some(flex) = s.pins[usize::from(n)].as_mut() {
            flex.set_level(Level::from(value));
        }
    }

    /// A pin with an edge since the last call is reported at its level now; one whose level
    /// came back (a pulse between two calls) is reported twice, leaving and returning.
    fn pin_events(&mut self) -> Vec<(u32, bool)> {
        let mut s = self.0.borrow_mut();
        if !s.watching {
            s.watching = true;
            for flex in s.pins.iter_mut().flatten() {
                flex.listen(Event::AnyEdge);
            }
        }
        let edges = critical_section::with(|cs| EDGES.borrow(cs).replace(0));
        let mut events = Vec::new();
        for n in 0..PINS as u32 {
            let Some(flex) = s.pins[n as usize].as_ref() else {
                continue;
            };
            let before = s.reported & (1 << n) != 0;
            let now = flex.is_high();
            if edges & (1 << n) != 0 && now == before {
                events.push((n, !now));
            }
            if edges & (1 << n) != 0 || now != before {
                events.push((n, now));
            }
            if now {
                s.reported |= 1 << n;
            } else {
                s.reported &= !(1 << n);
            }
        }
        events
    }

    fn pwm(&mut self, pin: u32, freq: u32, duty_u16: u16) -> FsResult<()> {
        let n = gpio(pin)?;
        let mut s = self.0.borrow_mut();
        if freq == 0 {
            s.pwm.stop(n);
            return Ok(());
        }
        s.pins[usize::from(n)] = None;
        s.pwm.drive(n, freq, duty_u16)
    }

    fn adc_init(&mut self, pin: u32) -> FsResult<()> {
        let n = gpio(pin)?;
        let mut s = self.0.borrow_mut();
        s.pins[usize::from(n)] = None;
        s.adc.enable(n)
    }

    fn adc_read(&mut self, pin: u32) -> FsResult<u16> {
        let n = gpio(pin)?;
        let raw = self.0.borrow_mut().adc.read(n)?;
        // 12 bits to 16, full scale to full scale.
        Ok(((u32::from(raw) * 65535) / 4095) as u16)
    }

    fn i2c_write(&mut self, bus: i32, addr: u8, data: &[u8], stop: bool) -> FsResult<usize> {
        let mut s = self.0.borrow_mut();
        s.i2c(bus)?;
        if !stop {
            s.held = Some((addr, data.to_vec()));
            return Ok(data.len());
        }
        let held = s.held.take();
        let i2c = s.i2c(bus)?;
        let result = match held {
            Some((held_addr, held)) if held_addr == addr => {
                i2c.transaction(addr, &mut [Operation::Write(&held), Operation::Write(data)])
            }
            _ => i2c.write(addr, data),
        };
        result.map(|()| data.len()).map_err(i2c_errno)
    }

    fn i2c_read(&mut self, bus: i32, addr: u8, buf: &mut [u8], stop: bool) -> FsResult<()> {
        let _ = stop;
        let mut s = self.0.borrow_mut();
        let held = s.held.take();
        let i2c = s.i2c(bus)?;
        let result = match held {
            Some((held_addr, held)) if held_addr == addr => i2c.write_read(addr, &held, buf),
            _ => i2c.read(addr, buf),
        };
        result.map_err(i2c_errno)
    }

    fn spi_transfer(&mut self, bus: i32, out: &[u8], inp: &mut [u8]) -> FsResult<()> {
        let mut s = self.0.borrow_mut();
        let spi = s.spi(bus)?;
        let n = out.len().max(inp.len());
        let mut words = Vec::with_capacity(n);
        words.extend_from_slice(out);
        words.resize(n, 0);
        spi.transfer(&mut words).map_err(|_| errno::EIO)?;
        let len = inp.len();
        inp.copy_from_slice(&words[..len]);
        Ok(())
    }

    fn uart_write(&mut self, id: u32, data: &[u8]) -> FsResult<usize> {
        let mut s = self.0.borrow_mut();
        let uart = s.uart(id)?;
        let mut rest = data;
        while !rest.is_empty() {
            let n = uart.write(rest).map_err(|_| errno::EIO)?;
            rest = &rest[n..];
        }
        Ok(data.len())
    }

    fn uart_read(&mut self, id: u32, buf: &mut [u8]) -> FsResult<usize> {
        let mut s = self.0.borrow_mut();
        s.uart_drain(id)?;
        let n = buf.len().min(s.uart_rx.len());
        buf[..n].copy_from_slice(&s.uart_rx[..n]);
        s.uart_rx.drain(..n);
        Ok(n)
    }

    fn uart_any(&mut self, id: u32) -> usize {
        let mut s = self.0.borrow_mut();
        if s.uart_drain(id).is_err() {
            return 0;
        }
        s.uart_rx.len()
    }

    fn unique_id(&self) -> Vec<u8> {
        esp_hal::efuse::base_mac_address().as_bytes().to_vec()
    }

    fn freq(&self) -> u32 {
        crate::CPU_HZ
    }

    fn reset(&mut self) {
        esp_hal::system::software_reset()
    }

    fn wdt_start(&mut self, timeout_ms: u32) -> FsResult<()> {
        let mut s = self.0.borrow_mut();
        let wdt = s.wdt.get_or_insert_with(Wdt::new);
        wdt.set_timeout(
            MwdtStage::Stage0,
            Duration::from_millis(u64::from(timeout_ms.max(1))),
        );
        wdt.enable();
        wdt.feed();
        Ok(())
    }

    fn wdt_feed(&mut self) {
        if let Some(wdt) = self.0.borrow_mut().wdt.as_mut() {
            wdt.feed();
        }
    }
}

impl State {
    /// I2C0, made at its first use.
    fn i2c(&mut self, bus: i32) -> FsResult<&mut I2c<'static, Blocking>> {
        if bus != 0 {
            return Err(errno::ENODEV);
        }
        if self.i2c.is_none() {
            let peripheral = self.i2c0.take().ok_or(errno::ENODEV)?;
            let config = i2c::Config::default().with_frequency(Rate::from_khz(400));
            let i2c = I2c::new(peripheral, config).map_err(|_| errno::EINVAL)?;
            self.forget_pins(&[8, 9]);
            // SAFETY: the bus's pins are taken from `machine`'s pins above.
            let (sda, scl) = unsafe { (GPIO8::steal(), GPIO9::steal()) };
            self.i2c = Some(i2c.with_sda(sda).with_scl(scl));
        }
        Ok(self.i2c.as_mut().expect("made above"))
    }

    /// SPI2 (`SPI(1)`, as MicroPython numbers it), made at its first use.
    fn spi(&mut self, bus: i32) -> FsResult<&mut Spi<'static, Blocking>> {
        if bus != 1 {
            return Err(errno::ENODEV);
        }
        if self.spi.is_none() {
            let peripheral = self.spi2.take().ok_or(errno::ENODEV)?;
            let config = spi::Config::default()
                .with_frequency(Rate::from_mhz(1))
                .with_mode(esp_hal::spi::Mode::_0);
            let spi = Spi::new(peripheral, config).map_err(|_| errno::EINVAL)?;
            self.forget_pins(&[2, 6, 7]);
            // SAFETY: as for I2C.
            let (sck, mosi, miso) = unsafe { (GPIO6::steal(), GPIO7::steal(), GPIO2::steal()) };
            self.spi = Some(spi.with_sck(sck).with_mosi(mosi).with_miso(miso));
        }
        Ok(self.spi.as_mut().expect("made above"))
    }

    /// UART1, made at its first use.
    fn uart(&mut self, id: u32) -> FsResult<&mut Uart<'static, Blocking>> {
        if id != 1 {
            return Err(errno::ENODEV);
        }
        if self.uart.is_none() {
            let peripheral = self.uart1.take().ok_or(errno::ENODEV)?;
            let config = uart::Config::default().with_baudrate(115_200);
            let uart = Uart::new(peripheral, config).map_err(|_| errno::EINVAL)?;
            self.forget_pins(&[5, 10]);
            // SAFETY: as for I2C.
            let (tx, rx) = unsafe { (GPIO10::steal(), GPIO5::steal()) };
            self.uart = Some(uart.with_tx(tx).with_rx(rx));
        }
        Ok(self.uart.as_mut().expect("made above"))
    }

    /// Move what UART1's FIFO holds into `uart_rx`.
    fn uart_drain(&mut self, id: u32) -> FsResult<()> {
        let uart = self.uart(id)?;
        let mut chunk = [0u8; 64];
        let mut got = Vec::new();
        loop {
            match uart.read_buffered(&mut chunk) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
                Err(_) => continue,
            }
        }
        self.uart_rx.extend_from_slice(&got);
        Ok(())
    }

    /// Pins a peripheral takes over stop being `machine.Pin`s.
    fn forget_pins(&mut self, pins: &[usize]) {
        for &n in pins {
            self.pins[n] = None;
        }
    }
}

fn i2c_errno(e: i2c::Error) -> i32 {
    match e {
        i2c::Error::AcknowledgeCheckFailed(_) => errno::ENODEV,
        i2c::Error::Timeout => errno::ETIMEDOUT,
        _ => errno::EIO,
    }
}

/// The LEDC: which pin each channel drives with which timer, each timer's frequency.
struct Pwm {
    ledc: Ledc<'static>,
    /// Per channel: its pin and timer.
    channels: [Option<(u8, u8)>; PWM_CHANNELS],
    /// Per timer in use: its frequency and the duty's resolution in bits.
    timers: [Option<(u32, u8)>; PWM_TIMERS],
}

impl Pwm {
    /// The finest duty resolution for `freq` that the timer's divider (1 to 1023, with 8
    /// fractional bits) reaches from the 80 MHz clock.
    fn resolution(freq: u32) -> FsResult<u8> {
        let cycles = LEDC_HZ / freq.max(1);
        if cycles < 2 {
            return Err(errno::EINVAL);
        }
        let bits = (31 - cycles.leading_zeros()).min(14) as u8;
        if cycles >> bits >= 1024 {
            return Err(errno::EINVAL);
        }
        Ok(bits)
    }

    fn drive(&mut self, pin: u8, freq: u32, duty_u16: u16) -> FsResult<()> {
        let bits = Self::resolution(freq)?;
        let duty = {
            let full = 1u32 << bits;
            (u32::from(duty_u16) * full).div_ceil(65535).min(full)
        };
        let mine = self
            .channels
            .iter()
            .position(|c| c.is_some_and(|(p, _)| p == pin));
        // Only the duty changes: the running channel takes it at its next period.
        if let Some(ch) = mine
            && let Some((_, tm)) = self.channels[ch]
            && self.timers[usize::from(tm)] == Some((freq, bits))
        {
            // SAFETY: the pin is this channel's output already.
            let output = unsafe { AnyPin::steal(pin) };
            channel::Channel::<LowSpeed>::new(channel_number(ch), output).set_duty_hw(duty);
            return Ok(());
        }
        let ch = match mine {
            Some(ch) => ch,
            None => self
                .channels
                .iter()
                .position(Option::is_none)
                .ok_or(errno::ENODEV)?,
        };
        let old = self.channels[ch].take();
        self.release_unused_timers();
        let free = self.timers.iter().position(Option::is_none);
        let Some(tm) = self
            .timers
            .iter()
            .position(|t| *t == Some((freq, bits)))
            .or(free)
        else {
            self.channels[ch] = old;
            return Err(errno::ENODEV);
        };
        let mut timer = self.ledc.timer::<LowSpeed>(timer_number(tm));
        let config = timer::config::Config {
            duty: timer::config::Duty::try_from(u32::from(bits)).map_err(|_| errno::EINVAL)?,
            clock_source: timer::LSClockSource::APBClk,
            frequency: Rate::from_hz(freq),
        };
        timer.configure(config).map_err(|_| errno::EINVAL)?;
        self.timers[tm] = Some((freq, bits));
        // SAFETY: the pin left `machine.Pin` (its driver was dropped) for this channel.
        let output = unsafe { AnyPin::steal(pin) };
        let mut channel = channel::Channel::<LowSpeed>::new(channel_number(ch), output);
        channel
            .configure(channel::config::Config {
                timer: &timer,
                duty_pct: 0,
                drive_mode: DriveMode::PushPull,
            })
            .map_err(|_| errno::EINVAL)?;
        channel.set_duty_hw(duty);
        self.channels[ch] = Some((pin, tm as u8));
        Ok(())
    }

    /// The pin's channel, if it has one, is free again and the pin a plain GPIO.
    fn stop(&mut self, pin: u8) {
        let Some(ch) = self
            .channels
            .iter()
            .position(|c| c.is_some_and(|(p, _)| p == pin))
        else {
            return;
        };
        self.channels[ch] = None;
        self.release_unused_timers();
        // SAFETY: the channel that drove the pin was let go; a fresh driver disconnects
        // the pin from it.
        let _ = Flex::new(unsafe { AnyPin::steal(pin) });
    }

    fn release_unused_timers(&mut self) {
        for tm in 0..PWM_TIMERS {
            if !self
                .channels
                .iter()
                .flatten()
                .any(|&(_, t)| usize::from(t) == tm)
            {
                self.timers[tm] = None;
            }
        }
    }
}

fn timer_number(n: usize) -> timer::Number {
    match n {
        0 => timer::Number::Timer0,
        1 => timer::Number::Timer1,
        2 => timer::Number::Timer2,
        _ => timer::Number::Timer3,
    }
}

fn channel_number(n: usize) -> channel::Number {
    match n {
        0 => channel::Number::Channel0,
        1 => channel::Number::Channel1,
        2 => channel::Number::Channel2,
        3 => channel::Number::Channel3,
        4 => channel::Number::Channel4,
        _ => channel::Number::Channel5,
    }
}

/// ADC1 and the pins enabled on it. esp-hal types an ADC pin by its GPIO, hence a field
/// for each of the five.
#[derive(Default)]
struct Analog {
    adc1: Option<ADC1<'static>>,
    adc: Option<Adc<'static, ADC1<'static>, Blocking>>,
    /// The pins enabled so far, one bit each.
    enabled: u8,
    p0: Option<AdcPin<GPIO0<'static>, ADC1<'static>>>,
    p1: Option<AdcPin<GPIO1<'static>, ADC1<'static>>>,
    p2: Option<AdcPin<GPIO2<'static>, ADC1<'static>>>,
    p3: Option<AdcPin<GPIO3<'static>, ADC1<'static>>>,
    p4: Option<AdcPin<GPIO4<'static>, ADC1<'static>>>,
}

impl Analog {
    /// The ADC again, with `pin` among its channels (its attenuations are fixed when it
    /// is made).
    fn enable(&mut self, pin: u8) -> FsResult<()> {
        if pin > 4 {
            return Err(errno::EINVAL);
        }
        self.enabled |= 1 << pin;
        self.adc = None;
        let mut config = AdcConfig::new();
        let on = |n: u8| self.enabled & (1 << n) != 0;
        let atten = Attenuation::_11dB;
        // SAFETY: an ADC pin is `machine`'s ADC's alone: its `Pin` driver was dropped.
        unsafe {
            self.p0 = on(0).then(|| config.enable_pin(GPIO0::steal(), atten));
            self.p1 = on(1).then(|| config.enable_pin(GPIO1::steal(), atten));
            self.p2 = on(2).then(|| config.enable_pin(GPIO2::steal(), atten));
            self.p3 = on(3).then(|| config.enable_pin(GPIO3::steal(), atten));
            self.p4 = on(4).then(|| config.enable_pin(GPIO4::steal(), atten));
        }
        // SAFETY: the ADC driver before this one was dropped above.
        let adc1 = match self.adc1.take() {
            Some(adc1) => adc1,
            None => unsafe { ADC1::steal() },
        };
        self.adc = Some(Adc::new(adc1, config));
        Ok(())
    }

    /// A 12-bit reading of `pin`.
    fn read(&mut self, pin: u8) -> FsResult<u16> {
        let adc = self.adc.as_mut().ok_or(errno::ENODEV)?;
        match pin {
            0 => self.p0.as_mut().map(|p| sample(adc, p)),
            1 => self.p1.as_mut().map(|p| sample(adc, p)),
            2 => self.p2.as_mut().map(|p| sample(adc, p)),
            3 => self.p3.as_mut().map(|p| sample(adc, p)),
            4 => self.p4.as_mut().map(|p| sample(adc, p)),
            _ => None,
        }
        .ok_or(errno::ENODEV)
    }
}

fn sample<P: AdcChannel>(
    adc: &mut Adc<'static, ADC1<'static>, Blocking>,
    pin: &mut AdcPin<P, ADC1<'static>>,
) -> u16 {
    loop {
        if let Ok(value) = adc.read_oneshot(pin) {
            return value;
        }
    }
}
