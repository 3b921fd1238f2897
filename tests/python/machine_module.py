# machine: pins (with interrupts), Signal, PWM, ADC, buses, UART, Timer, RTC, memory,
# and the board functions, on the simulated hardware.
import machine, time

p = machine.Pin(5, machine.Pin.OUT)
p.value(1)
print(p.value(), p(), repr(p))
p.off()
print(p.value())
p.toggle()
print(p.value())
led = machine.Pin("LED", machine.Pin.OUT, value=1)
print(led.value())
inp = machine.Pin(4, machine.Pin.IN, machine.Pin.PULL_UP)
print(inp.value())

s = machine.Signal(machine.Pin(6, machine.Pin.OUT), invert=True)
s.on()
print(s.value(), machine.Pin(6).value())

hits = []
q = machine.Pin(7, machine.Pin.OUT)
q.irq(lambda pin: hits.append(pin.value()), machine.Pin.IRQ_RISING)
q.on()
q.off()
q.on()
time.sleep_ms(1)
print(hits)
q.irq(None)

pwm = machine.PWM(machine.Pin(8), freq=1000, duty_u16=16384)
print(pwm.freq(), pwm.duty_u16(), pwm.duty_ns())
pwm.duty(1023)
print(pwm.duty_u16())
pwm.deinit()
adc = machine.ADC(machine.Pin(34))
print(adc.read_u16(), adc.read_uv())

i2c = machine.I2C(0, scl=machine.Pin(22), sda=machine.Pin(21), freq=400000)
print(i2c.scan())
try:
    i2c.writeto(0x3C, b"\x00")
except OSError as e:
    print("OSError", e.errno)
spi = machine.SPI(1)
buf = bytearray(3)
spi.write_readinto(b"abc", buf)
print(buf, spi.read(2))

u = machine.UART(1, 9600)
print(u.write(b"hello\nworld"), u.any())
print(u.readline(), u.read(3), u.read(), u.read())

ticks = []
t = machine.Timer(-1)
t.init(mode=machine.Timer.PERIODIC, period=5, callback=lambda tm: ticks.append(1))
time.sleep_ms(50)
t.deinit()
print(len(ticks) >= 3)
one = []
machine.Timer(-1, mode=machine.Timer.ONE_SHOT, period=1, callback=lambda tm: one.append(1))
time.sleep_ms(20)
print(one)

rtc = machine.RTC()
rtc.datetime((2024, 2, 29, 3, 23, 59, 58, 0))
d = rtc.datetime()
print(d[:3], d[4:6])

ba = bytearray(8)
import uctypes
addr = uctypes.addressof(ba)
machine.mem32[addr] = 0x11223344
machine.mem8[addr + 4] = 0xAB
print(hex(machine.mem16[addr]), ba, repr(machine.mem8))
for bad in (lambda: machine.mem16[addr + 1], lambda: machine.mem8["x"]):
    try:
        bad()
    except (ValueError, TypeError) as e:
        print(type(e).__name__)

print(len(machine.unique_id()), machine.freq() > 0, machine.reset_cause() == machine.PWRON_RESET)
state = machine.disable_irq()
machine.enable_irq(state)
print(machine.time_pulse_us(machine.Pin(9, machine.Pin.IN, machine.Pin.PULL_DOWN), 1, 100))
machine.idle()
machine.lightsleep(1)
print("done")
