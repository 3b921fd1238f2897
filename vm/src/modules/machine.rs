//! `machine`: MicroPython's hardware API, written once here over the platform's
//! [`Hardware`](crate::platform::Hardware), so that a port supplies only the hardware: `Pin`
//! (with interrupts), `Signal`, `PWM`, `ADC`, `I2C`/`SoftI2C`, `SPI`/`SoftSPI`, `UART`,
//! `Timer`, `RTC`, `WDT`, `PinBase` for pins written in Python, `mem8`/`mem16`/`mem32` over
//! the VM's address space, and the board functions (`reset`, `freq`, `unique_id`,
//! `time_pulse_us`, sleeps, `disable_irq` …).
//!
//! Timers and pin interrupts are the VM's: due timers and pin changes are noticed when the VM
//! polls (calls, backward jumps, sleeps) and their callbacks run as scheduled callbacks do.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::{Obj, ObjRef};
use crate::objects::data::{ClassSpec, Data};
use crate::platform::{Hardware, PinMode, Pull, errno};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

// MicroPython's constants.
const IN: i64 = 1;
const OUT: i64 = 3;
const OPEN_DRAIN: i64 = 7;
const ALT: i64 = 5;
const PULL_UP: i64 = 1;
const PULL_DOWN: i64 = 2;
const IRQ_RISING: i64 = 1;
const IRQ_FALLING: i64 = 2;
const ONE_SHOT: i64 = 0;
const PERIODIC: i64 = 1;
const PWRON_RESET: i64 = 1;
const SOFT_RESET: i64 = 5;

/// The state of `machine` kept per VM: timers, pin interrupts and the RTC's offset.
#[derive(Debug, Default)]
pub(crate) struct MachineState {
    /// Running timers (the Timer objects).
    timers: Vec<Value>,
    /// Pin interrupts: pin number, trigger mask, handler, the Pin object.
    irqs: Vec<(u32, i64, Value, Value)>,
    /// `RTC.datetime` minus the platform's clock, in seconds.
    rtc_offset: f64,
    /// The platform's reset was asked for (reported by `reset_cause` after a soft reset).
    soft_reset: bool,
}

impl MachineState {
    pub(crate) fn roots(&self, out: &mut Vec<Value>) {
        out.extend(self.timers.iter().copied());
        for (_, _, handler, pin) in &self.irqs {
            out.push(*handler);
            out.push(*pin);
        }
    }

    /// Are there timers or interrupts to poll for?
    pub(crate) fn active(&self) -> bool {
        !self.timers.is_empty() || !self.irqs.is_empty()
    }
}

fn no_hardware() -> PyErr {
    PyErr::new(ErrKind::OSError, "no hardware")
}

impl Interp {
    fn hw(&mut self) -> PResult<&mut dyn Hardware> {
        if self.platform.hardware().is_none() {
            return Err(no_hardware());
        }
        Ok(self.platform.hardware().expect("checked above"))
    }

    /// Run a hardware operation, turning its errno into `OSError`.
    fn with_hw<T>(&mut self, op: impl FnOnce(&mut dyn Hardware) -> Result<T, i32>) -> PResult<T> {
        let r = op(self.hw()?);
        r.map_err(|code| self.os_error(code))
    }

    /// Timers due and pin changes: their callbacks join the scheduled ones.
    pub(crate) fn poll_machine(&mut self) -> PResult<()> {
        let now = self.platform.ticks_us() / 1000;
        let timers = self.mods.machine.timers.clone();
        for t in timers {
            let Some(timer) = self.data_mut::<TimerData>(t) else {
                continue;
            };
            if timer.due_ms > now {
                continue;
            }
            let callback = timer.callback;
            if timer.mode == PERIODIC && timer.period_ms > 0 {
                timer.due_ms += timer.period_ms.max(1);
                if timer.due_ms <= now {
                    timer.due_ms = now + timer.period_ms;
                }
            } else {
                timer.running = false;
                self.mods
                    .machine
                    .timers
                    .retain(|x| !crate::runtime::identical(*x, t));
            }
            if callback != Value::None && self.mods.scheduled.len() < crate::vm::SCHEDULE_DEPTH {
                self.mods.scheduled.push_back((callback, t));
            }
        }
        if !self.mods.machine.irqs.is_empty()
            && let Some(hw) = self.platform.hardware()
        {
            for (pin, level) in hw.pin_events() {
                let trigger = if level { IRQ_RISING } else { IRQ_FALLING };
                let hits: Vec<(Value, Value)> = self
                    .mods
                    .machine
                    .irqs
                    .iter()
                    .filter(|(p, t, _, _)| *p == pin && t & trigger != 0)
                    .map(|(_, _, h, o)| (*h, *o))
                    .collect();
                for (handler, obj) in hits {
                    if self.mods.scheduled.len() < crate::vm::SCHEDULE_DEPTH {
                        self.mods.scheduled.push_back((handler, obj));
                    }
                }
            }
        }
        Ok(())
    }
}

// ---- Pin ----

#[derive(Debug)]
pub(crate) struct PinData {
    id: u32,
}

impl Data for PinData {}

static PIN: ClassSpec = ClassSpec {
    name: "Pin",
    base: None,
    methods: &[
        Native::new("init", pin_init_method).args(1, 3).kw(),
        Native::new("value", pin_value).args(1, 2).kw(),
        Native::new("__call__", pin_value).args(1, 2).kw(),
        Native::new("on", pin_on).args(1, 1),
        Native::new("off", pin_off).args(1, 1),
        Native::new("high", pin_on).args(1, 1),
        Native::new("low", pin_off).args(1, 1),
        Native::new("toggle", pin_toggle).args(1, 1),
        Native::new("irq", pin_irq).args(1, 3).kw(),
        Native::new("__repr__", pin_repr).args(1, 1),
    ],
    make: Some(pin_new),
};

/// A pin number from an int or a board name.
fn pin_id(vm: &mut Interp, v: Value) -> PResult<u32> {
    if let Some(p) = vm.data_ref::<PinData>(v) {
        return Ok(p.id);
    }
    if let Some(name) = vm.as_str(v) {
        let name = alloc::string::String::from(name);
        return vm
            .hw()?
            .pin_by_name(&name)
            .ok_or_else(|| PyErr::new(ErrKind::ValueError, alloc::format!("unknown pin {name}")));
    }
    let n = vm.int_arg(v)?;
    u32::try_from(n).map_err(|_| PyErr::new(ErrKind::ValueError, "invalid pin"))
}

fn pin_mode(mode: i64) -> PResult<PinMode> {
    Ok(match mode {
        IN => PinMode::In,
        OUT => PinMode::Out,
        OPEN_DRAIN => PinMode::OpenDrain,
        ALT => PinMode::Alt,
        _ => return Err(PyErr::new(ErrKind::ValueError, "invalid pin mode")),
    })
}

fn pull_of(pull: i64) -> Pull {
    match pull {
        PULL_UP => Pull::Up,
        PULL_DOWN => Pull::Down,
        _ => Pull::None,
    }
}

/// `(mode=-1, pull=-1, *, value)` from position `from` of a call: configure the pin.
fn configure_pin(vm: &mut Interp, a: Args, from: usize, id: u32) -> PResult<()> {
    let int_or = |vm: &Interp, v: Option<Value>, d: i64| -> PResult<i64> {
        match v {
            None | Some(Value::None) => Ok(d),
            Some(v) => vm.int_arg(v),
        }
    };
    let mode = int_or(vm, vm.arg_or_kw(a, from, "mode"), -1)?;
    let pull = int_or(vm, vm.arg_or_kw(a, from + 1, "pull"), -1)?;
    let value = vm.kwarg(a, "value").filter(|v| *v != Value::None);
    if let Some(v) = value {
        let level = vm.truthy(v)?;
        vm.hw()?.pin_write(id, level);
    }
    if mode != -1 {
        let m = pin_mode(mode)?;
        vm.with_hw(|hw| hw.pin_init(id, m, pull_of(pull)))?;
    }
    Ok(())
}

fn pin_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Err(PyErr::type_error("Pin() needs a pin id"));
    }
    let id = pin_id(vm, vm.arg(a, 0))?;
    configure_pin(vm, a, 1, id)?;
    vm.new_data(&PIN, PinData { id })
}

fn pin_init_method(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    configure_pin(vm, a, 1, id)?;
    Ok(Value::None)
}

fn pin_value(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    if a.len == 2 {
        let level = vm.truthy(vm.arg(a, 1))?;
        vm.hw()?.pin_write(id, level);
        return Ok(Value::None);
    }
    Ok(Value::Int(i64::from(vm.hw()?.pin_read(id))))
}

fn pin_on(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    vm.hw()?.pin_write(id, true);
    Ok(Value::None)
}

fn pin_off(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    vm.hw()?.pin_write(id, false);
    Ok(Value::None)
}

fn pin_toggle(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    let hw = vm.hw()?;
    let level = hw.pin_read(id);
    hw.pin_write(id, !level);
    Ok(Value::None)
}

/// `irq(handler=None, trigger=IRQ_FALLING | IRQ_RISING)`: call `handler(pin)` on edges.
fn pin_irq(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let id = vm.this::<PinData>(a)?.id;
    let handler = vm.arg_or_kw(a, 1, "handler").unwrap_or(Value::None);
    let trigger = match vm.arg_or_kw(a, 2, "trigger") {
        Some(v) => vm.int_arg(v)?,
        None => IRQ_FALLING | IRQ_RISING,
    };
    vm.mods.machine.irqs.retain(|(p, ..)| *p != id);
    if handler != Value::None {
        // Changes from before the handler was set are not reported.
        vm.hw()?.pin_events();
        vm.mods.machine.irqs.push((id, trigger, handler, this));
    }
    Ok(Value::None)
}

fn pin_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<PinData>(a)?.id;
    vm.str_value(&alloc::format!("Pin({id})"))
}

/// The base of pins written in Python: a subclass defines `value()`.
#[derive(Debug)]
struct Plain;

impl Data for Plain {}

static PIN_BASE: ClassSpec = ClassSpec {
    name: "PinBase",
    base: None,
    methods: &[],
    make: Some(pinbase_new),
};

fn pinbase_new(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&PIN_BASE, Plain)
}

// ---- Signal ----

#[derive(Debug)]
struct SignalData {
    pin: Value,
    invert: bool,
}

impl Data for SignalData {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.pin);
    }
}

static SIGNAL: ClassSpec = ClassSpec {
    name: "Signal",
    base: None,
    methods: &[
        Native::new("value", signal_value).args(1, 2).kw(),
        Native::new("__call__", signal_value).args(1, 2).kw(),
        Native::new("on", signal_on).args(1, 1),
        Native::new("off", signal_off).args(1, 1),
    ],
    make: Some(signal_new),
};

/// `Signal(pin, *, invert=False)`, or `Signal(pin_id, mode, …, invert=False)`.
fn signal_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Err(PyErr::type_error("Signal() needs a pin"));
    }
    let invert = match vm.kwarg(a, "invert") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let arg = vm.arg(a, 0);
    let is_pin_object =
        matches!(arg, Value::Obj(r) if matches!(vm.gc.heap.get(r), Obj::Instance(_)));
    let pin = if is_pin_object {
        arg
    } else {
        let id = pin_id(vm, arg)?;
        configure_pin(vm, a, 1, id)?;
        vm.new_data(&PIN, PinData { id })?
    };

    vm.rooted(&[pin], |vm| {
        vm.new_data(&SIGNAL, SignalData { pin, invert })
    })
}

fn signal_set(vm: &mut Interp, a: Args, on: bool) -> PResult<Value> {
    let s = vm.this::<SignalData>(a)?;
    let (pin, level) = (s.pin, on != s.invert);
    vm.call_method(pin, "value", &[Value::Int(i64::from(level))])?;
    Ok(Value::None)
}

fn signal_value(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 2 {
        let on = vm.truthy(vm.arg(a, 1))?;
        return signal_set(vm, a, on);
    }
    let s = vm.this::<SignalData>(a)?;
    let (pin, invert) = (s.pin, s.invert);
    let v = vm.call_method(pin, "value", &[])?;
    // The pin's level as an int, XOR the inversion (as MicroPython reads a virtual pin).
    let level = match vm.as_int(v) {
        Some(n) => n,
        None => i64::from(vm.truthy(v)?),
    };
    Ok(Value::Int(level ^ i64::from(invert)))
}

fn signal_on(vm: &mut Interp, a: Args) -> PResult<Value> {
    signal_set(vm, a, true)
}

fn signal_off(vm: &mut Interp, a: Args) -> PResult<Value> {
    signal_set(vm, a, false)
}

// ---- PWM and ADC ----

#[derive(Debug)]
struct PwmData {
    pin: u32,
    freq: u32,
    duty_u16: u16,
}

impl Data for PwmData {}

static PWM: ClassSpec = ClassSpec {
    name: "PWM",
    base: None,
    methods: &[
        Native::new("init", pwm_init).args(1, 3).kw(),
        Native::new("freq", pwm_freq).args(1, 2),
        Native::new("duty_u16", pwm_duty_u16).args(1, 2),
        Native::new("duty_ns", pwm_duty_ns).args(1, 2),
        Native::new("duty", pwm_duty).args(1, 2),
        Native::new("deinit", pwm_deinit).args(1, 1),
    ],
    make: Some(pwm_new),
};

impl Interp {
    fn pwm_apply(&mut self, this: Value) -> PResult<()> {
        let p = self.data_ref::<PwmData>(this).ok_or_else(no_hardware)?;
        let (pin, freq, duty) = (p.pin, p.freq, p.duty_u16);
        self.with_hw(|hw| hw.pwm(pin, freq, duty))
    }

    /// `freq=`, `duty_u16=`, `duty_ns=`, `duty=` keywords of `PWM()` and `PWM.init()`.
    fn pwm_settings(&mut self, this: Value, a: Args, freq_at: usize) -> PResult<()> {
        if let Some(f) = self.arg_or_kw(a, freq_at, "freq") {
            let f = self.int_arg(f)?;
            if f <= 0 {
                return Err(PyErr::new(ErrKind::ValueError, "freq must be positive"));
            }
            self.data_mut::<PwmData>(this).expect("a PWM").freq = f as u32;
        }
        let duty = if let Some(d) = self.arg_or_kw(a, freq_at + 1, "duty_u16") {
            Some(self.int_arg(d)?.clamp(0, 65535))
        } else if let Some(ns) = self.kwarg(a, "duty_ns") {
            let freq = self.data_ref::<PwmData>(this).expect("a PWM").freq;
            Some(duty_from_ns(self.int_arg(ns)?, freq))
        } else if let Some(d) = self.kwarg(a, "duty") {
            Some(self.int_arg(d)?.clamp(0, 1023) * 65535 / 1023)
        } else {
            None
        };
        if let Some(d) = duty {
            self.data_mut::<PwmData>(this).expect("a PWM").duty_u16 = d as u16;
        }
        self.pwm_apply(this)
    }
}

fn duty_from_ns(ns: i64, freq: u32) -> i64 {
    let period_ns = 1_000_000_000 / i64::from(freq.max(1));
    (ns.max(0) * 65535 / period_ns.max(1)).clamp(0, 65535)
}

fn pwm_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Err(PyErr::type_error("PWM() needs a pin"));
    }
    let pin = pin_id(vm, vm.arg(a, 0))?;
    let this = vm.new_data(
        &PWM,
        PwmData {
            pin,
            freq: 1000,
            duty_u16: 32768,
        },
    )?;
    let r = vm.rooted(&[this], |vm| vm.pwm_settings(this, a, 1));
    r.map(|()| this)
}

fn pwm_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    vm.pwm_settings(vm.arg(a, 0), a, 1)?;
    Ok(Value::None)
}

fn pwm_freq(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 1 {
        return Ok(Value::Int(i64::from(vm.this::<PwmData>(a)?.freq)));
    }
    vm.pwm_settings(vm.arg(a, 0), a, 1)?;
    Ok(Value::None)
}

fn pwm_duty_u16(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    if a.len == 1 {
        return Ok(Value::Int(i64::from(vm.this::<PwmData>(a)?.duty_u16)));
    }
    let d = vm.int_arg(vm.arg(a, 1))?.clamp(0, 65535) as u16;
    vm.this::<PwmData>(a)?.duty_u16 = d;
    vm.pwm_apply(this)?;
    Ok(Value::None)
}

fn pwm_duty_ns(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    let p = vm.this::<PwmData>(a)?;
    let (freq, duty) = (p.freq, p.duty_u16);
    if a.len == 1 {
        let period_ns = 1_000_000_000 / i64::from(freq.max(1));
        return Ok(Value::Int(i64::from(duty) * period_ns / 65535));
    }
    let ns = vm.int_arg(vm.arg(a, 1))?;
    vm.this::<PwmData>(a)?.duty_u16 = duty_from_ns(ns, freq) as u16;
    vm.pwm_apply(this)?;
    Ok(Value::None)
}

/// `duty([d])` in 0..1023, the older API.
fn pwm_duty(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    if a.len == 1 {
        let d = vm.this::<PwmData>(a)?.duty_u16;
        return Ok(Value::Int(i64::from(d) * 1023 / 65535));
    }
    let d = vm.int_arg(vm.arg(a, 1))?.clamp(0, 1023);
    vm.this::<PwmData>(a)?.duty_u16 = (d * 65535 / 1023) as u16;
    vm.pwm_apply(this)?;
    Ok(Value::None)
}

fn pwm_deinit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let pin = vm.this::<PwmData>(a)?.pin;
    vm.with_hw(|hw| hw.pwm(pin, 0, 0))?;
    Ok(Value::None)
}

#[derive(Debug)]
struct AdcData {
    pin: u32,
}

impl Data for AdcData {}

static ADC: ClassSpec = ClassSpec {
    name: "ADC",
    base: None,
    methods: &[
        Native::new("read_u16", adc_read_u16).args(1, 1),
        Native::new("read_uv", adc_read_uv).args(1, 1),
        Native::new("read", adc_read).args(1, 1),
    ],
    make: Some(adc_new),
};

fn adc_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Err(PyErr::type_error("ADC() needs a pin"));
    }
    let pin = pin_id(vm, vm.arg(a, 0))?;
    vm.with_hw(|hw| hw.adc_init(pin))?;
    vm.new_data(&ADC, AdcData { pin })
}

fn adc_value(vm: &mut Interp, a: Args) -> PResult<u16> {
    let pin = vm.this::<AdcData>(a)?.pin;
    vm.with_hw(|hw| hw.adc_read(pin))
}

fn adc_read_u16(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(i64::from(adc_value(vm, a)?)))
}

/// Microvolts, for a 3.3 V reference.
fn adc_read_uv(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(i64::from(adc_value(vm, a)?) * 3_300_000 / 65535))
}

/// The 12-bit reading of ESP32 ports.
fn adc_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    Ok(Value::Int(i64::from(adc_value(vm, a)? >> 4)))
}

// ---- I2C ----

#[derive(Debug)]
struct BusData {
    /// The bus number; software buses are numbered from -1 down.
    bus: i32,
}

impl Data for BusData {}

const I2C_METHODS: &[Native] = &[
    Native::new("init", bus_init).args(1, 5).kw(),
    Native::new("deinit", bus_init).args(1, 1),
    Native::new("scan", i2c_scan).args(1, 1),
    Native::new("readfrom", i2c_readfrom).args(3, 4).kw(),
    Native::new("readfrom_into", i2c_readfrom_into)
        .args(3, 4)
        .kw(),
    Native::new("writeto", i2c_writeto).args(3, 4).kw(),
    Native::new("writevto", i2c_writevto).args(3, 4).kw(),
    Native::new("readfrom_mem", i2c_readfrom_mem)
        .args(4, 4)
        .kw(),
    Native::new("readfrom_mem_into", i2c_readfrom_mem_into)
        .args(4, 4)
        .kw(),
    Native::new("writeto_mem", i2c_writeto_mem).args(4, 4).kw(),
];

static I2C: ClassSpec = ClassSpec {
    name: "I2C",
    base: None,
    methods: I2C_METHODS,
    make: Some(i2c_new),
};

static SOFT_I2C: ClassSpec = ClassSpec {
    name: "SoftI2C",
    base: None,
    methods: I2C_METHODS,
    make: Some(soft_i2c_new),
};

/// The bus number argument of a hardware bus constructor (`I2C(0, …)`).
fn bus_number(vm: &mut Interp, a: Args) -> PResult<i32> {
    match vm.arg_or_kw(a, 0, "id") {
        Some(v) => Ok(vm.int_arg(v)? as i32),
        None => Ok(0),
    }
}

fn i2c_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = bus_number(vm, a)?;
    vm.new_data(&I2C, BusData { bus })
}

fn soft_i2c_new(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&SOFT_I2C, BusData { bus: -1 })
}

fn bus_init(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::None)
}

fn stop_arg(vm: &mut Interp, a: Args, at: usize) -> PResult<bool> {
    match vm.arg_or_kw(a, at, "stop") {
        Some(v) => vm.truthy(v),
        None => Ok(true),
    }
}

fn i2c_addr(vm: &Interp, v: Value) -> PResult<u8> {
    let n = vm.int_arg(v)?;
    u8::try_from(n)
        .ok()
        .filter(|a| *a < 0x80)
        .ok_or_else(|| PyErr::new(ErrKind::ValueError, "invalid I2C address"))
}

/// `scan()`: the addresses that acknowledge an empty write.
fn i2c_scan(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let mut found = Vec::new();
    for addr in 0x08u8..0x78 {
        if vm.hw()?.i2c_write(bus, addr, &[], true).is_ok() {
            found.push(Value::Int(i64::from(addr)));
        }
    }
    vm.alloc(Obj::List(found))
}

fn i2c_readfrom(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let n = vm.int_arg(vm.arg(a, 2))?.max(0) as usize;
    let stop = stop_arg(vm, a, 3)?;
    let mut buf = alloc::vec![0u8; n];
    vm.with_hw(|hw| hw.i2c_read(bus, addr, &mut buf, stop))?;
    vm.alloc(Obj::Bytes(buf.into()))
}

fn i2c_readfrom_into(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let target = vm.arg(a, 2);
    let stop = stop_arg(vm, a, 3)?;
    let mut buf = alloc::vec![0u8; vm.buffer_mut(target)?.len()];
    vm.with_hw(|hw| hw.i2c_read(bus, addr, &mut buf, stop))?;
    vm.buffer_mut(target)?.copy_from_slice(&buf);
    Ok(Value::None)
}

fn i2c_writeto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let data = vm.buffer_arg(vm.arg(a, 2))?;
    let stop = stop_arg(vm, a, 3)?;
    let n = vm.with_hw(|hw| hw.i2c_write(bus, addr, &data, stop))?;
    Ok(Value::Int(n as i64))
}

fn i2c_writevto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let mut data = Vec::new();
    for part in vm.collect_iterable(vm.arg(a, 2))? {
        data.extend_from_slice(&vm.buffer_arg(part)?);
    }
    let stop = stop_arg(vm, a, 3)?;
    let n = vm.with_hw(|hw| hw.i2c_write(bus, addr, &data, stop))?;
    Ok(Value::Int(n as i64))
}

/// The register address of a `*_mem` call, as bytes (`addrsize` 8 or 16, big-endian).
fn mem_address(vm: &mut Interp, a: Args, at: usize) -> PResult<Vec<u8>> {
    let mem = vm.int_arg(vm.arg(a, at))?;
    let size = match vm.kwarg(a, "addrsize") {
        Some(v) => vm.int_arg(v)?,
        None => 8,
    };
    Ok(match size {
        8 => alloc::vec![mem as u8],
        16 => (mem as u16).to_be_bytes().to_vec(),
        _ => return Err(PyErr::new(ErrKind::ValueError, "addrsize must be 8 or 16")),
    })
}

fn i2c_readfrom_mem(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let reg = mem_address(vm, a, 2)?;
    let n = vm.int_arg(vm.arg(a, 3))?.max(0) as usize;
    let mut buf = alloc::vec![0u8; n];
    vm.with_hw(|hw| {
        hw.i2c_write(bus, addr, &reg, false)?;
        hw.i2c_read(bus, addr, &mut buf, true)
    })?;
    vm.alloc(Obj::Bytes(buf.into()))
}

fn i2c_readfrom_mem_into(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let reg = mem_address(vm, a, 2)?;
    let target = vm.arg(a, 3);
    let mut buf = alloc::vec![0u8; vm.buffer_mut(target)?.len()];
    vm.with_hw(|hw| {
        hw.i2c_write(bus, addr, &reg, false)?;
        hw.i2c_read(bus, addr, &mut buf, true)
    })?;
    vm.buffer_mut(target)?.copy_from_slice(&buf);
    Ok(Value::None)
}

fn i2c_writeto_mem(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let addr = i2c_addr(vm, vm.arg(a, 1))?;
    let mut data = mem_address(vm, a, 2)?;
    data.extend_from_slice(&vm.buffer_arg(vm.arg(a, 3))?);
    vm.with_hw(|hw| hw.i2c_write(bus, addr, &data, true))?;
    Ok(Value::None)
}

// ---- SPI ----

const SPI_METHODS: &[Native] = &[
    Native::new("init", bus_init).args(1, 5).kw(),
    Native::new("deinit", bus_init).args(1, 1),
    Native::new("read", spi_read).args(2, 3).kw(),
    Native::new("readinto", spi_readinto).args(2, 3).kw(),
    Native::new("write", spi_write).args(2, 2).kw(),
    Native::new("write_readinto", spi_write_readinto)
        .args(3, 3)
        .kw(),
];

static SPI: ClassSpec = ClassSpec {
    name: "SPI",
    base: None,
    methods: SPI_METHODS,
    make: Some(spi_new),
};

static SOFT_SPI: ClassSpec = ClassSpec {
    name: "SoftSPI",
    base: None,
    methods: SPI_METHODS,
    make: Some(soft_spi_new),
};

fn spi_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = bus_number(vm, a)?;
    vm.new_data(&SPI, BusData { bus })
}

fn soft_spi_new(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&SOFT_SPI, BusData { bus: -1 })
}

fn write_byte(vm: &mut Interp, a: Args, at: usize) -> PResult<u8> {
    match vm.arg_or_kw(a, at, "write") {
        Some(v) => Ok(vm.int_arg(v)? as u8),
        None => Ok(0),
    }
}

fn spi_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let n = vm.int_arg(vm.arg(a, 1))?.max(0) as usize;
    let out = alloc::vec![write_byte(vm, a, 2)?; n];
    let mut inp = alloc::vec![0u8; n];
    vm.with_hw(|hw| hw.spi_transfer(bus, &out, &mut inp))?;
    vm.alloc(Obj::Bytes(inp.into()))
}

fn spi_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let target = vm.arg(a, 1);
    let n = vm.buffer_mut(target)?.len();
    let out = alloc::vec![write_byte(vm, a, 2)?; n];
    let mut inp = alloc::vec![0u8; n];
    vm.with_hw(|hw| hw.spi_transfer(bus, &out, &mut inp))?;
    vm.buffer_mut(target)?.copy_from_slice(&inp);
    Ok(Value::None)
}

fn spi_write(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let out = vm.buffer_arg(vm.arg(a, 1))?;
    let mut inp = alloc::vec![0u8; out.len()];
    vm.with_hw(|hw| hw.spi_transfer(bus, &out, &mut inp))?;
    Ok(Value::None)
}

fn spi_write_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let bus = vm.this::<BusData>(a)?.bus;
    let out = vm.buffer_arg(vm.arg(a, 1))?;
    let target = vm.arg(a, 2);
    if vm.buffer_mut(target)?.len() != out.len() {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "buffers must be the same length",
        ));
    }
    let mut inp = alloc::vec![0u8; out.len()];
    vm.with_hw(|hw| hw.spi_transfer(bus, &out, &mut inp))?;
    vm.buffer_mut(target)?.copy_from_slice(&inp);
    Ok(Value::None)
}

// ---- UART ----

#[derive(Debug)]
struct UartData {
    id: u32,
}

impl Data for UartData {}

static UART: ClassSpec = ClassSpec {
    name: "UART",
    base: None,
    methods: &[
        Native::new("init", bus_init).args(1, 5).kw(),
        Native::new("deinit", bus_init).args(1, 1),
        Native::new("write", uart_write).args(2, 2).kw(),
        Native::new("read", uart_read).args(1, 2).kw(),
        Native::new("readinto", uart_readinto).args(2, 3).kw(),
        Native::new("readline", uart_readline).args(1, 1),
        Native::new("any", uart_any).args(1, 1),
        Native::new("flush", bus_init).args(1, 1),
        Native::new("txdone", uart_txdone).args(1, 1),
    ],
    make: Some(uart_new),
};

fn uart_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = bus_number(vm, a)?;
    let id = u32::try_from(id).map_err(|_| PyErr::new(ErrKind::ValueError, "invalid UART id"))?;
    vm.new_data(&UART, UartData { id })
}

fn uart_write(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<UartData>(a)?.id;
    let data = vm.buffer_arg(vm.arg(a, 1))?;
    let n = vm.with_hw(|hw| hw.uart_write(id, &data))?;
    Ok(Value::Int(n as i64))
}

/// Bytes waiting on a UART, at most `limit`.
fn uart_take(vm: &mut Interp, id: u32, limit: usize) -> PResult<Vec<u8>> {
    let n = vm.hw()?.uart_any(id).min(limit);
    let mut buf = alloc::vec![0u8; n];
    let got = vm.with_hw(|hw| hw.uart_read(id, &mut buf))?;
    buf.truncate(got);
    Ok(buf)
}

/// `read([n])`: what has arrived, or `None` if nothing has (MicroPython's timeout of 0).
fn uart_read(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<UartData>(a)?.id;
    let limit = match (a.len == 2).then(|| vm.arg(a, 1)) {
        Some(v) if v != Value::None => vm.int_arg(v)?.max(0) as usize,
        _ => usize::MAX,
    };
    let data = uart_take(vm, id, limit)?;
    if data.is_empty() && limit > 0 {
        return Ok(Value::None);
    }
    vm.alloc(Obj::Bytes(data.into()))
}

fn uart_readinto(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<UartData>(a)?.id;
    let target = vm.arg(a, 1);
    let mut limit = vm.buffer_mut(target)?.len();
    if a.len == 3 {
        limit = limit.min(vm.int_arg(vm.arg(a, 2))?.max(0) as usize);
    }
    let data = uart_take(vm, id, limit)?;
    if data.is_empty() {
        return Ok(Value::None);
    }
    vm.buffer_mut(target)?[..data.len()].copy_from_slice(&data);
    Ok(Value::Int(data.len() as i64))
}

fn uart_readline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<UartData>(a)?.id;
    let mut line = Vec::new();
    loop {
        let b = uart_take(vm, id, 1)?;
        let Some(&c) = b.first() else {
            break;
        };
        line.push(c);
        if c == b'\n' {
            break;
        }
    }
    if line.is_empty() {
        return Ok(Value::None);
    }
    vm.alloc(Obj::Bytes(line.into()))
}

fn uart_any(vm: &mut Interp, a: Args) -> PResult<Value> {
    let id = vm.this::<UartData>(a)?.id;
    Ok(Value::Int(vm.hw()?.uart_any(id) as i64))
}

fn uart_txdone(_vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Bool(true))
}

// ---- Timer ----

#[derive(Debug)]
pub(crate) struct TimerData {
    mode: i64,
    period_ms: u64,
    due_ms: u64,
    callback: Value,
    running: bool,
}

impl Data for TimerData {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.callback);
    }
}

static TIMER: ClassSpec = ClassSpec {
    name: "Timer",
    base: None,
    methods: &[
        Native::new("init", timer_init).args(1, 1).kw(),
        Native::new("deinit", timer_deinit).args(1, 1),
    ],
    make: Some(timer_new),
};

fn timer_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.new_data(
        &TIMER,
        TimerData {
            mode: PERIODIC,
            period_ms: 0,
            due_ms: 0,
            callback: Value::None,
            running: false,
        },
    )?;
    // `Timer(id, …)` with settings starts it at once.
    if a.n_kw > 0 {
        let r = vm.rooted(&[this], |vm| timer_setup(vm, this, a));
        r?;
    }
    Ok(this)
}

/// `init(*, mode=PERIODIC, period=-1, freq=-1, callback=None)`.
fn timer_setup(vm: &mut Interp, this: Value, a: Args) -> PResult<()> {
    let mode = match vm.kwarg(a, "mode") {
        Some(v) => vm.int_arg(v)?,
        None => PERIODIC,
    };
    let period_ms = if let Some(f) = vm.kwarg(a, "freq") {
        let hz = match vm.num(f) {
            Some(n) => crate::num::to_f64(n)?,
            None => return Err(PyErr::type_error("freq must be a number")),
        };
        if hz <= 0.0 {
            return Err(PyErr::new(ErrKind::ValueError, "freq must be positive"));
        }
        (1000.0 / hz).max(1.0) as u64
    } else if let Some(p) = vm.kwarg(a, "period") {
        vm.int_arg(p)?.max(0) as u64
    } else {
        return Err(PyErr::new(ErrKind::ValueError, "period or freq required"));
    };
    let callback = vm.kwarg(a, "callback").unwrap_or(Value::None);
    let now = vm.platform.ticks_us() / 1000;
    let t = vm.data_mut::<TimerData>(this).ok_or_else(no_hardware)?;
    *t = TimerData {
        mode,
        period_ms,
        due_ms: now + period_ms,
        callback,
        running: true,
    };
    if !vm
        .mods
        .machine
        .timers
        .iter()
        .any(|x| crate::runtime::identical(*x, this))
    {
        vm.mods.machine.timers.push(this);
    }
    Ok(())
}

fn timer_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    timer_setup(vm, this, a)?;
    Ok(Value::None)
}

fn timer_deinit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let this = vm.arg(a, 0);
    vm.this::<TimerData>(a)?.running = false;
    vm.mods
        .machine
        .timers
        .retain(|x| !crate::runtime::identical(*x, this));
    Ok(Value::None)
}

// ---- RTC and WDT ----

static RTC: ClassSpec = ClassSpec {
    name: "RTC",
    base: None,
    methods: &[
        Native::new("datetime", rtc_datetime).args(1, 2),
        Native::new("init", rtc_datetime).args(1, 2),
    ],
    make: Some(rtc_new),
};

fn rtc_new(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.new_data(&RTC, Plain)
}

/// `datetime([(year, month, day, weekday, hours, minutes, seconds, subseconds)])`.
fn rtc_datetime(vm: &mut Interp, a: Args) -> PResult<Value> {
    let now = vm.platform.epoch_seconds();
    if a.len == 2 {
        let items = vm.collect_iterable(vm.arg(a, 1))?;
        if items.len() < 7 {
            return Err(PyErr::new(ErrKind::ValueError, "datetime needs 8 items"));
        }
        let mut f = [0i64; 8];
        for (slot, v) in f.iter_mut().zip(&items) {
            *slot = vm.int_arg(*v)?;
        }
        let days = super::time::days_from_civil(f[0], f[1], f[2]);
        let secs = days * 86_400 + f[4] * 3600 + f[5] * 60 + f[6];
        let frac = f[7] as f64 / 1e6;
        vm.mods.machine.rtc_offset = secs as f64 + frac - now;
        return Ok(Value::None);
    }
    let t = now + vm.mods.machine.rtc_offset;
    let secs = crate::fmath::floor(t) as i64;
    let micros = ((t - secs as f64) * 1e6) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = super::time::civil_from_days(days);
    let weekday = (days + 3).rem_euclid(7);
    let items = [
        y,
        m,
        d,
        weekday,
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        micros,
    ];
    vm.tuple(items.iter().map(|v| Value::Int(*v)).collect())
}

static WDT: ClassSpec = ClassSpec {
    name: "WDT",
    base: None,
    methods: &[Native::new("feed", wdt_feed).args(1, 1)],
    make: Some(wdt_new),
};

fn wdt_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    let timeout = match vm.arg_or_kw(a, 1, "timeout") {
        Some(v) => vm.int_arg(v)?,
        None => 5000,
    };
    let timeout =
        u32::try_from(timeout).map_err(|_| PyErr::new(ErrKind::ValueError, "invalid timeout"))?;
    vm.with_hw(|hw| hw.wdt_start(timeout))?;
    vm.new_data(&WDT, Plain)
}

fn wdt_feed(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.hw()?.wdt_feed();
    Ok(Value::None)
}

// ---- memory ----

#[derive(Debug)]
struct MemData {
    width: u8,
}

impl Data for MemData {}

static MEM: ClassSpec = ClassSpec {
    name: "mem",
    base: None,
    methods: &[
        Native::new("__getitem__", mem_get).args(2, 2),
        Native::new("__setitem__", mem_set).args(3, 3).kw(),
        Native::new("__repr__", mem_repr).args(1, 1),
    ],
    make: None,
};

/// The address argument of `memN[addr]`, checked for alignment.
fn mem_addr(vm: &mut Interp, a: Args) -> PResult<(u64, usize)> {
    let width = usize::from(vm.this::<MemData>(a)?.width);
    let v = vm.arg(a, 1);
    if vm.as_int(v).is_none() && vm.num(v).is_none() || matches!(v, Value::Float(_)) {
        return Err(PyErr::type_error("address must be an int"));
    }
    let addr = vm.int_truncated(v)?;
    if addr % width as u64 != 0 {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "memory address not aligned",
        ));
    }
    Ok((addr, width))
}

fn mem_get(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (addr, width) = mem_addr(vm, a)?;
    let b = vm.mem_read(addr, width)?;
    let mut word = [0u8; 8];
    word[..width].copy_from_slice(&b);
    Ok(Value::Int(u64::from_le_bytes(word) as i64))
}

fn mem_set(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (addr, width) = mem_addr(vm, a)?;
    let v = vm.int_truncated(vm.arg(a, 2))?;
    vm.mem_write(addr, &v.to_le_bytes()[..width])?;
    Ok(Value::None)
}

fn mem_repr(vm: &mut Interp, a: Args) -> PResult<Value> {
    let w = vm.this::<MemData>(a)?.width;
    vm.str_value(&alloc::format!("<{}-bit memory>", u32::from(w) * 8))
}

// ---- functions ----

/// `reset()`: the port restarts the board; here the program ends at once.
fn reset(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.hw()?.reset();
    soft_reset(vm, _a)
}

/// `soft_reset()`: as `sys.exit()`, which makes a board soft-reset.
fn soft_reset(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.mods.machine.soft_reset = true;
    Err(vm.system_exit(Vec::new()))
}

fn reset_cause(vm: &mut Interp, _a: Args) -> PResult<Value> {
    Ok(Value::Int(if vm.mods.machine.soft_reset {
        SOFT_RESET
    } else {
        PWRON_RESET
    }))
}

fn freq(vm: &mut Interp, a: Args) -> PResult<Value> {
    if a.len == 0 {
        return Ok(Value::Int(i64::from(vm.hw()?.freq())));
    }
    let hz = vm.int_arg(vm.arg(a, 0))?;
    let hz = u32::try_from(hz).map_err(|_| vm.os_error(errno::EINVAL))?;
    vm.with_hw(|hw| hw.set_freq(hz))?;
    Ok(Value::None)
}

fn unique_id(vm: &mut Interp, _a: Args) -> PResult<Value> {
    let id = vm.hw()?.unique_id();
    vm.alloc(Obj::Bytes(id.into()))
}

fn idle(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.platform.sleep_us(1000);
    vm.check_interrupt()?;
    Ok(Value::None)
}

/// `lightsleep([ms])` and `deepsleep([ms])`: here both sleep (a deep sleep then resets).
fn lightsleep(vm: &mut Interp, a: Args) -> PResult<Value> {
    let ms = match (a.len > 0).then(|| vm.arg(a, 0)) {
        Some(v) => vm.int_arg(v)?.max(0) as u64,
        None => 0,
    };
    let mut left = ms;
    while left > 0 {
        let step = left.min(10);
        vm.platform.sleep_us(step * 1000);
        left -= step;
        vm.check_interrupt()?;
    }
    Ok(Value::None)
}

fn deepsleep(vm: &mut Interp, a: Args) -> PResult<Value> {
    lightsleep(vm, a)?;
    reset(vm, a)
}

/// `disable_irq()`: the state to give back to `enable_irq` (interrupts here are polled by
/// the VM, which a critical section of Python code can't be interrupted by anyway).
fn disable_irq(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.mods.irq_disabled += 1;
    Ok(Value::Int(1))
}

fn enable_irq(vm: &mut Interp, _a: Args) -> PResult<Value> {
    vm.mods.irq_disabled = vm.mods.irq_disabled.saturating_sub(1);
    Ok(Value::None)
}

/// `bitstream(pin, encoding, timing, buf)`: clock `buf` out on `pin`. Encoding 0 (the only
/// one MicroPython defines) is the high-low pulse code of NeoPixels; `timing` gives its four
/// pulse lengths in ns, which a port's hardware keeps to and a simulation records.
fn bitstream(vm: &mut Interp, a: Args) -> PResult<Value> {
    let pin = pin_id(vm, vm.arg(a, 0))?;
    if vm.int_arg(vm.arg(a, 1))? != 0 {
        return Err(PyErr::new(ErrKind::ValueError, "invalid encoding"));
    }
    let timing = vm.collect_iterable(vm.arg(a, 2))?;
    if timing.len() != 4 {
        return Err(PyErr::new(
            ErrKind::ValueError,
            "timing must have 4 entries",
        ));
    }
    let data = vm.buffer_arg(vm.arg(a, 3))?;
    vm.with_hw(|hw| hw.bitstream(pin, &data))?;
    Ok(Value::None)
}

/// `time_pulse_us(pin, level, timeout_us=1000000)`: wait for the pin to reach `level`
/// (-2 on timeout), then time how long it stays there (-1 on timeout).
fn time_pulse_us(vm: &mut Interp, a: Args) -> PResult<Value> {
    let pin = vm.arg(a, 0);
    let level = vm.truthy(vm.arg(a, 1))?;
    let timeout = match a.len {
        3 => vm.int_arg(vm.arg(a, 2))?.max(0) as u64,
        _ => 1_000_000,
    };
    let read = |vm: &mut Interp| -> PResult<bool> {
        let v = vm.call_method(pin, "value", &[])?;
        vm.truthy(v)
    };
    let start = vm.platform.ticks_us();
    while read(vm)? != level {
        if vm.platform.ticks_us().wrapping_sub(start) >= timeout {
            return Ok(Value::Int(-2));
        }
        vm.check_interrupt()?;
    }
    let began = vm.platform.ticks_us();
    while read(vm)? == level {
        if vm.platform.ticks_us().wrapping_sub(began) >= timeout {
            return Ok(Value::Int(-1));
        }
        vm.check_interrupt()?;
    }
    Ok(Value::Int(vm.platform.ticks_us().wrapping_sub(began) as i64))
}

fn bootloader(vm: &mut Interp, a: Args) -> PResult<Value> {
    reset(vm, a)
}

const FUNCTIONS: &[Native] = &[
    Native::new("reset", reset).args(0, 0),
    Native::new("soft_reset", soft_reset).args(0, 0),
    Native::new("reset_cause", reset_cause).args(0, 0),
    Native::new("freq", freq).args(0, 1),
    Native::new("unique_id", unique_id).args(0, 0),
    Native::new("idle", idle).args(0, 0),
    Native::new("sleep", lightsleep).args(0, 1),
    Native::new("lightsleep", lightsleep).args(0, 1),
    Native::new("deepsleep", deepsleep).args(0, 1),
    Native::new("disable_irq", disable_irq).args(0, 0),
    Native::new("enable_irq", enable_irq).args(0, 1),
    Native::new("time_pulse_us", time_pulse_us).args(2, 3),
    Native::new("bitstream", bitstream).args(4, 4),
    Native::new("bootloader", bootloader).args(0, 1),
];

pub(super) fn make(vm: &mut Interp) -> PResult<ObjRef> {
    let m = vm.native_module("machine", FUNCTIONS);
    let classes: [(&str, &'static ClassSpec); 14] = [
        ("Pin", &PIN),
        ("PinBase", &PIN_BASE),
        ("Signal", &SIGNAL),
        ("PWM", &PWM),
        ("ADC", &ADC),
        ("I2C", &I2C),
        ("SoftI2C", &SOFT_I2C),
        ("SPI", &SPI),
        ("SoftSPI", &SOFT_SPI),
        ("UART", &UART),
        ("Timer", &TIMER),
        ("RTC", &RTC),
        ("WDT", &WDT),
        ("mem", &MEM),
    ];
    for (name, spec) in classes {
        let c = vm.data_class(spec);
        vm.set_attr_str(m, name, Value::Obj(c));
    }
    let pin = vm.data_class(&PIN);
    for (name, v) in [
        ("IN", IN),
        ("OUT", OUT),
        ("OPEN_DRAIN", OPEN_DRAIN),
        ("ALT", ALT),
        ("PULL_UP", PULL_UP),
        ("PULL_DOWN", PULL_DOWN),
        ("IRQ_RISING", IRQ_RISING),
        ("IRQ_FALLING", IRQ_FALLING),
    ] {
        let id = vm.interner.intern(name);
        vm.module_set(pin, id, Value::Int(v));
    }
    let timer = vm.data_class(&TIMER);
    for (name, v) in [("ONE_SHOT", ONE_SHOT), ("PERIODIC", PERIODIC)] {
        let id = vm.interner.intern(name);
        vm.module_set(timer, id, Value::Int(v));
    }
    for (name, v) in [("PWRON_RESET", PWRON_RESET), ("SOFT_RESET", SOFT_RESET)] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    for (name, width) in [("mem8", 1u8), ("mem16", 2), ("mem32", 4)] {
        let obj = vm.new_data(&MEM, MemData { width })?;
        vm.set_attr_str(m, name, obj);
    }
    Ok(m)
}
