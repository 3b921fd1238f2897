//! Serial ports on this machine that could be boards: listed with tokio-serial, with their
//! USB identity and a name a person recognises ("ESP32-S3 (native USB)", "CP210x USB to
//! UART"), from a table of the chips MicroPython boards and USB-serial bridges use.
//! Listing opens nothing, so it can't reset a board (opening can: ESP32 boards reset on the
//! DTR/RTS lines).

use serde::Serialize;

use crate::boards::UsbInfo;

/// A serial port that could be a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub port: String,
    pub usb: Option<UsbInfo>,
    pub name: String,
}

/// Known USB chips: (vendor id, product id or `None` for any of the vendor's, name).
const KNOWN: &[(u16, Option<u16>, &str)] = &[
    (0xf055, Some(0x9800), "MicroPython board (pyboard VCP)"),
    (0xf055, None, "MicroPython board"),
    (
        0x303a,
        Some(0x1001),
        "ESP32-S3/C3/C6 (native USB serial/JTAG)",
    ),
    (0x303a, Some(0x0002), "ESP32-S2 (native USB)"),
    (0x303a, Some(0x4001), "ESP32-S3 (TinyUSB)"),
    (0x303a, None, "Espressif board"),
    (0x10c4, Some(0xea60), "CP210x USB to UART"),
    (0x10c4, None, "Silicon Labs USB to UART"),
    (0x1a86, Some(0x7523), "CH340 USB to serial"),
    (0x1a86, Some(0x55d4), "CH9102 USB to serial"),
    (0x1a86, None, "WCH USB to serial"),
    (0x0403, Some(0x6001), "FTDI FT232R"),
    (0x0403, Some(0x6010), "FTDI FT2232"),
    (0x0403, Some(0x6014), "FTDI FT232H"),
    (0x0403, Some(0x6015), "FTDI FT231X"),
    (0x0403, None, "FTDI USB to serial"),
    (
        0x2e8a,
        Some(0x0005),
        "Raspberry Pi Pico (RP2040, MicroPython)",
    ),
    (0x2e8a, Some(0x0009), "Raspberry Pi Pico 2 (RP2350)"),
    (0x2e8a, Some(0x000a), "Raspberry Pi Pico (RP2040 CDC)"),
    (0x2e8a, None, "Raspberry Pi RP2 board"),
    (0x239a, None, "Adafruit board"),
    (0x2341, None, "Arduino board"),
    (0x1915, None, "Nordic nRF board"),
    (0x0483, Some(0x5740), "STM32 virtual COM port"),
    (0x0483, None, "STM32 board"),
    (0x0d28, Some(0x0204), "BBC micro:bit (DAPLink)"),
    (0x1366, None, "SEGGER J-Link CDC"),
];

/// The name to show for a USB serial device.
pub fn friendly_name(vid: u16, pid: u16, product: Option<&str>) -> String {
    let exact = KNOWN.iter().find(|(v, p, _)| *v == vid && *p == Some(pid));
    let vendor = KNOWN.iter().find(|(v, p, _)| *v == vid && p.is_none());
    match exact.or(vendor) {
        Some((_, _, name)) => name.to_string(),
        None => match product {
            Some(p) if !p.trim().is_empty() => p.trim().to_string(),
            _ => format!("USB serial device {vid:04x}:{pid:04x}"),
        },
    }
}

/// The serial ports that could be boards: USB ones, and `ttyACM`/`ttyUSB` devices.
pub fn list() -> Vec<Port> {
    let Ok(ports) = tokio_serial::available_ports() else {
        return Vec::new();
    };
    let mut out: Vec<Port> = ports
        .into_iter()
        .filter_map(|p| match p.port_type {
            tokio_serial::SerialPortType::UsbPort(usb) => Some(Port {
                name: friendly_name(usb.vid, usb.pid, usb.product.as_deref()),
                usb: Some(UsbInfo {
                    vid: usb.vid,
                    pid: usb.pid,
                    manufacturer: usb.manufacturer,
                    product: usb.product,
                    serial_number: usb.serial_number,
                }),
                port: p.port_name,
            }),
            _ if p.port_name.contains("ttyACM") || p.port_name.contains("ttyUSB") => Some(Port {
                name: p.port_name.clone(),
                usb: None,
                port: p.port_name,
            }),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| a.port.cmp(&b.port));
    out
}

/// A port as the API shows it.
#[derive(Debug, Serialize)]
pub struct PortView {
    pub port: String,
    pub name: String,
    pub usb: Option<crate::api::Usb>,
}

impl From<Port> for PortView {
    fn from(p: Port) -> Self {
        PortView {
            port: p.port,
            name: p.name,
            usb: p.usb.map(|u| crate::api::Usb {
                vid: u.vid,
                pid: u.pid,
                manufacturer: u.manufacturer,
                product: u.product,
                serial_number: u.serial_number,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_table_then_the_product() {
        assert_eq!(friendly_name(0x10c4, 0xea60, None), "CP210x USB to UART");
        assert_eq!(
            friendly_name(0x303a, 0x1001, Some("USB JTAG/serial debug unit")),
            "ESP32-S3/C3/C6 (native USB serial/JTAG)"
        );
        assert_eq!(friendly_name(0x303a, 0x7777, None), "Espressif board");
        assert_eq!(
            friendly_name(0x2e8a, 0x0005, Some("Board in FS mode")),
            "Raspberry Pi Pico (RP2040, MicroPython)"
        );
        assert_eq!(friendly_name(0x1234, 0x5678, Some(" Widget ")), "Widget");
        assert_eq!(
            friendly_name(0x1234, 0x5678, None),
            "USB serial device 1234:5678"
        );
    }

    #[test]
    fn listing_opens_nothing_and_does_not_fail() {
        // Whatever this machine has (often nothing): no panic, sorted, no duplicates.
        let ports = list();
        let mut names: Vec<&str> = ports.iter().map(|p| p.port.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), ports.len());
    }
}
