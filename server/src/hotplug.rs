//! Plug and unplug: the port watcher.
//!
//! Every [`POLL`] the watcher lists the serial ports ([`crate::ports::list`], which opens
//! nothing) and reconciles the board registry with them: a new port becomes a board (not
//! connected: nothing is opened, so plugging a board in never resets or interrupts it), and
//! a board the watcher added whose port has been gone for [`GONE_AFTER`] polls in a row is
//! forgotten. The grace covers a USB board that drops off the bus while it resets and comes
//! back a moment later under the same name. Each change rings the registry's change
//! channel, which `/api/events` pushes to the page.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::boards::{BoardHandle, BoardInfo, Boards};
use crate::device::Timeouts;
use crate::ports::Port;
use crate::transport::Endpoint;

/// How often the ports are listed.
pub const POLL: Duration = Duration::from_secs(1);
/// How many polls in a row a port must be missing before its board is forgotten.
pub const GONE_AFTER: u32 = 6;

/// Watches the ports for as long as the server runs.
pub async fn watch(boards: Arc<crate::AppState>) {
    let mut missing = BTreeMap::new();
    loop {
        let listed = tokio::task::spawn_blocking(crate::ports::list)
            .await
            .unwrap_or_default();
        reconcile(&boards.boards, &listed, &mut missing);
        tokio::time::sleep(POLL).await;
    }
}

/// One round: register the new ports, count the absent ones, forget the long gone.
/// `missing` counts, per board id, the rounds its port has been absent.
pub fn reconcile(boards: &Boards, listed: &[Port], missing: &mut BTreeMap<String, u32>) {
    for port in listed {
        let id = BoardInfo::id_for(&port.port);
        missing.remove(&id);
        if boards.get(&id).is_some() {
            continue;
        }
        let mut info = BoardInfo::new(id, Endpoint::Serial(port.port.clone()));
        info.name = port.name.clone();
        info.usb = port.usb.clone();
        info.plugged = true;
        tracing::info!(port = port.port, name = port.name, "board plugged in");
        boards.insert(BoardHandle::spawn(info, None, Timeouts::default()));
    }
    for board in boards.list() {
        let info = board.info();
        if !info.plugged || listed.iter().any(|p| p.port == info.port) {
            continue;
        }
        let rounds = missing.entry(info.id.clone()).or_insert(0);
        *rounds += 1;
        if *rounds >= GONE_AFTER {
            tracing::info!(port = info.port, "board unplugged");
            boards.remove(&info.id);
            missing.remove(&info.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boards::UsbInfo;

    fn port(path: &str) -> Port {
        Port {
            port: path.to_string(),
            usb: Some(UsbInfo {
                vid: 0x303a,
                pid: 0x1001,
                manufacturer: Some("Espressif".to_string()),
                product: None,
                serial_number: Some("F4:12".to_string()),
            }),
            name: "ESP32-S3/C3/C6 (native USB serial/JTAG)".to_string(),
        }
    }

    #[tokio::test]
    async fn plugged_boards_come_unconnected_and_go_after_a_grace() {
        let boards = Boards::new();
        let mut changes = boards.subscribe();
        let mut missing = BTreeMap::new();
        // A port that can't be opened: registering it must not try.
        let listed = [port("/nonexistent/ttyACM7")];
        reconcile(&boards, &listed, &mut missing);
        let board = boards.get("nonexistent-ttyACM7").expect("registered");
        assert!(!board.is_connected(), "plugging in opens nothing");
        assert_eq!(board.info().name, "ESP32-S3/C3/C6 (native USB serial/JTAG)");
        assert!(board.info().resets_by_lines());
        assert!(changes.try_recv().is_ok(), "the page hears of it");
        // Listed again: nothing changes.
        reconcile(&boards, &listed, &mut missing);
        assert_eq!(boards.list().len(), 1);
        // Unplugged: still there for a reset's worth of polls, then gone.
        for _ in 1..GONE_AFTER {
            reconcile(&boards, &[], &mut missing);
            assert!(boards.get("nonexistent-ttyACM7").is_some());
        }
        reconcile(&boards, &[], &mut missing);
        assert!(boards.get("nonexistent-ttyACM7").is_none());
        // Using a board whose port can't be opened is an error, not a hang.
        let err = board.exec("print(1)".to_string()).await.unwrap_err();
        assert!(err.to_string().contains("nonexistent"), "{err}");
        assert!(!board.is_connected());
    }

    #[tokio::test]
    async fn boards_added_by_hand_are_not_forgotten() {
        let boards = Boards::new();
        let info = BoardInfo::new(
            "ttyUSB3".to_string(),
            Endpoint::Serial("/dev/ttyUSB3".to_string()),
        );
        boards.insert(BoardHandle::spawn(info, None, Timeouts::default()));
        let mut missing = BTreeMap::new();
        for _ in 0..GONE_AFTER + 1 {
            reconcile(&boards, &[], &mut missing);
        }
        assert!(boards.get("ttyUSB3").is_some());
        // And a listed port with that id doesn't replace it.
        reconcile(&boards, &[port("/dev/ttyUSB3")], &mut missing);
        assert!(!boards.get("ttyUSB3").unwrap().info().plugged);
    }
}
