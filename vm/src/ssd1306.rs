//! A simulated SSD1306 OLED controller on I2C, from its datasheet: the bytes a driver writes
//! (a control byte, then commands or display data) change its display RAM as the chip's do,
//! so the browser simulator can draw what a real display would show.
//!
//! A write starts with a control byte: bit 7 (Co) set means one byte follows and then another
//! control byte; bit 6 (D/C#) tells data from commands. Data goes to the RAM at the cursor,
//! which moves as the addressing mode says (horizontal, vertical or page). The commands that
//! matter to the picture are kept (addressing, display on/off, inverse, multiplex ratio);
//! the rest (contrast, clocks, charge pump, scrolling setup) take their argument bytes and
//! change nothing drawn.

use alloc::vec::Vec;

/// The controller's 128 columns by 8 pages of 8 rows.
const COLUMNS: usize = 128;
const PAGES: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ssd1306 {
    /// The I2C address it answers (0x3C or 0x3D) and the bus last written on.
    pub addr: u8,
    pub bus: i32,
    /// Display RAM: byte `page * 128 + column`, bit `b` the pixel in row `page * 8 + b`.
    pub ram: Vec<u8>,
    pub on: bool,
    pub inverse: bool,
    /// A driver has written to it (a board view shows it from then on).
    pub written: bool,
    /// Rows driven (the multiplex ratio + 1): 64 or 32.
    pub height: u32,
    mode: u8,
    columns: (usize, usize),
    pages: (usize, usize),
    column: usize,
    page: usize,
    /// A command waiting for argument bytes, and how many it still takes.
    command: u8,
    args_left: u8,
}

impl Ssd1306 {
    pub fn new(addr: u8) -> Self {
        Ssd1306 {
            addr,
            bus: 0,
            ram: alloc::vec![0; COLUMNS * PAGES],
            on: false,
            inverse: false,
            written: false,
            height: 64,
            // Page addressing is the chip's reset state.
            mode: 2,
            columns: (0, COLUMNS - 1),
            pages: (0, PAGES - 1),
            column: 0,
            page: 0,
            command: 0,
            args_left: 0,
        }
    }

    pub fn width(&self) -> u32 {
        COLUMNS as u32
    }

    /// One I2C write transaction (the bytes after the address).
    pub fn write(&mut self, bytes: &[u8]) {
        self.written |= !bytes.is_empty();
        let mut i = 0;
        while i < bytes.len() {
            let control = bytes[i];
            i += 1;
            let data = control & 0x40 != 0;
            let end = if control & 0x80 != 0 {
                (i + 1).min(bytes.len())
            } else {
                bytes.len()
            };
            for &b in &bytes[i..end] {
                if data {
                    self.data(b);
                } else {
                    self.command_byte(b);
                }
            }
            i = end;
        }
    }

    /// The pixels as they appear: RAM with inverse applied, nothing while the display is off.
    pub fn visible(&self) -> Vec<u8> {
        let rows_pages = (self.height as usize).div_ceil(8).min(PAGES);
        let mut shown = self.ram[..rows_pages * COLUMNS].to_vec();
        for b in &mut shown {
            *b = if !self.on {
                0
            } else if self.inverse {
                !*b
            } else {
                *b
            };
        }
        shown
    }

    fn data(&mut self, byte: u8) {
        self.ram[self.page * COLUMNS + self.column] = byte;
        match self.mode {
            0 => {
                self.column += 1;
                if self.column > self.columns.1 {
                    self.column = self.columns.0;
                    self.page = if self.page >= self.pages.1 {
                        self.pages.0
                    } else {
                        self.page + 1
                    };
                }
            }
            1 => {
                self.page += 1;
                if self.page > self.pages.1 {
                    self.page = self.pages.0;
                    self.column = if self.column >= self.columns.1 {
                        self.columns.0
                    } else {
                        self.column + 1
                    };
                }
            }
            _ => self.column = (self.column + 1).min(COLUMNS - 1),
        }
    }

    fn command_byte(&mut self, byte: u8) {
        if self.args_left > 0 {
            self.args_left -= 1;
            self.argument(byte);
            return;
        }
        self.command = byte;
        self.args_left = match byte {
            0x21 | 0x22 | 0xA3 => 2,
            0x26 | 0x27 => 6,
            0x29 | 0x2A => 5,
            0x20 | 0x81 | 0x8D | 0xA8 | 0xD3 | 0xD5 | 0xD9 | 0xDA | 0xDB => 1,
            _ => 0,
        };
        match byte {
            0xAE => self.on = false,
            0xAF => self.on = true,
            0xA6 => self.inverse = false,
            0xA7 => self.inverse = true,
            // Page addressing: the column's low and high nibble, the page.
            0x00..=0x0F => self.column = (self.column & 0xF0) | usize::from(byte & 0x0F),
            0x10..=0x17 => {
                self.column = ((usize::from(byte & 0x07) << 4) | (self.column & 0x0F)) % COLUMNS
            }
            0xB0..=0xB7 => self.page = usize::from(byte & 0x07),
            _ => {}
        }
    }

    fn argument(&mut self, byte: u8) {
        let last = self.args_left == 0;
        let value = usize::from(byte);
        match self.command {
            0x20 => self.mode = byte & 0x03,
            0xA8 => self.height = u32::from(byte & 0x3F) + 1,
            0x21 if !last => self.columns.0 = value % COLUMNS,
            0x21 => {
                self.columns.1 = (value % COLUMNS).max(self.columns.0);
                self.column = self.columns.0;
            }
            0x22 if !last => self.pages.0 = value % PAGES,
            0x22 => {
                self.pages.1 = (value % PAGES).max(self.pages.0);
                self.page = self.pages.0;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ssd1306;

    #[test]
    fn a_driver_session_fills_the_ram() {
        let mut d = Ssd1306::new(0x3C);
        // Initialisation as drivers send it, one command per write (`0x80, cmd`).
        for cmd in [0xAE, 0x20, 0x00, 0xA8, 63, 0x8D, 0x14, 0xAF] {
            d.write(&[0x80, cmd]);
        }
        assert!(d.on && d.height == 64);
        // A window of columns 0..127 and pages 0..7, then the whole frame as one data write.
        d.write(&[0x00, 0x21, 0, 127, 0x22, 0, 7]);
        let mut frame = alloc::vec![0x40];
        frame.extend((0..1024).map(|i| (i % 256) as u8));
        d.write(&frame);
        assert_eq!(d.ram[5], 5);
        assert_eq!(d.ram[128 + 1], 129);
        // The cursor wrapped back to the window's start.
        d.write(&[0x40, 0xFF]);
        assert_eq!(d.ram[0], 0xFF);
        d.write(&[0x80, 0xA7]);
        assert_eq!(d.visible()[0], 0x00);
        d.write(&[0x80, 0xAE]);
        assert!(d.visible().iter().all(|&b| b == 0));
    }

    #[test]
    fn a_window_and_page_mode_place_bytes() {
        let mut d = Ssd1306::new(0x3C);
        d.write(&[0x00, 0x20, 0x00, 0x21, 10, 11, 0x22, 2, 3]);
        d.write(&[0x40, 1, 2, 3, 4]);
        assert_eq!(&d.ram[2 * 128 + 10..2 * 128 + 12], &[1, 2]);
        assert_eq!(&d.ram[3 * 128 + 10..3 * 128 + 12], &[3, 4]);
        // The window is full: the next byte goes to its start.
        d.write(&[0x40, 5]);
        assert_eq!(d.ram[2 * 128 + 10], 5);
        // Page mode: page 5, column 0x23.
        d.write(&[0x00, 0x20, 0x02, 0xB5, 0x03, 0x12]);
        d.write(&[0x40, 9]);
        assert_eq!(d.ram[5 * 128 + 0x23], 9);
    }
}
