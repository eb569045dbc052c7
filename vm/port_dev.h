/* port_dev.h: the device part of the port interface (companion of port.h).
 *
 * What a unikernel's devices need from the platform: one blocking wait (the
 * main loop's only way to idle), entropy, the wall clock, non-blocking
 * sockets with readiness, a block device and GPIO.  ports/unix implements it
 * with POSIX calls, ports/xtensa-qemu with what the emulator offers.
 *
 * Errors: calls that can fail return -(PORT_DEV_E...), a small portable set
 * of error classes rather than a platform's errno, so that the OCaml side
 * sees the same errors on every port.  Each port maps its own codes (errno,
 * lwIP err_t, esp_err_t) onto these.
 *
 * Next to each call: the ESP-IDF functions it becomes on an ESP32. */
#ifndef UC_PORT_DEV_H
#define UC_PORT_DEV_H

#include <stddef.h>
#include <stdint.h>

enum port_dev_error {
  PORT_DEV_EAGAIN = 1,      /* would block: wait for readiness and retry */
  PORT_DEV_EINPROGRESS,     /* connect started: wait until writable */
  PORT_DEV_EREFUSED,        /* connection refused */
  PORT_DEV_ERESET,          /* connection reset by the peer */
  PORT_DEV_ECLOSED,         /* writing to a connection shut down for writing */
  PORT_DEV_ETIMEDOUT,
  PORT_DEV_EUNREACHABLE,    /* no route to the host or network */
  PORT_DEV_EADDRINUSE,
  PORT_DEV_ENOTSUP,         /* this port has no such device */
  PORT_DEV_EINVAL,
  PORT_DEV_ERANGE,          /* sector or pin out of range */
  PORT_DEV_ENOENT,          /* no such device (block device name, pin) */
  PORT_DEV_EREADONLY,
  PORT_DEV_EMFILE,          /* out of descriptors or sockets */
  PORT_DEV_EIO,             /* anything else */
  PORT_DEV_ERROR_COUNT
};

/* The texts of these codes are the core's (vm/prim_dev_error.c): a port
 * only returns codes. */

/* ---- The wait ----
 * Blocks until the monotonic clock (port_monotonic_ns) reaches deadline_ns,
 * or until one of the n descriptors is ready for what its `events` ask
 * (a socket that has failed or been closed by the peer counts as ready).
 * deadline_ns == PORT_DEV_FOREVER waits for descriptors only.  Sets each
 * `ready`; returns how many are ready (0: the deadline passed), or -error.
 * It may return early (a signal); callers loop.
 * ESP-IDF: lwip_select() (or select() of the VFS, which also covers the
 * UART console) with the timeout derived from esp_timer_get_time(); with no
 * descriptors, vTaskDelay() / esp_light_sleep_start() with a timer wake-up. */
enum { PORT_DEV_READABLE = 1, PORT_DEV_WRITABLE = 2 };
#define PORT_DEV_FOREVER UINT64_MAX
struct port_dev_poll {
  int fd;
  int events;   /* PORT_DEV_READABLE | PORT_DEV_WRITABLE */
  int ready;    /* set by port_dev_wait: the subset that is ready */
};
int port_dev_wait(struct port_dev_poll *fds, int n, uint64_t deadline_ns);

/* ---- Entropy and the wall clock ----
 * Fills buf with n random bytes.  Returns 1 if they come from a source fit
 * for cryptography, 0 if from a seeded generator (emulators).
 * ESP-IDF: esp_fill_random() (true random while Wi-Fi/BT run, or after
 * bootloader_random_enable()). */
int port_dev_entropy(void *buf, size_t n);

/* Seconds and nanoseconds since 1970-01-01 UTC.  Returns 1 if the clock has
 * been set (from the OS, SNTP or at build time), 0 if it counts from boot.
 * ESP-IDF: gettimeofday() (set by esp_sntp). */
int port_dev_wall_clock(int64_t *sec, uint32_t *nsec);

/* ---- Sockets (IPv4) ----
 * Descriptors are non-blocking: operations that would block return
 * -PORT_DEV_EAGAIN, and the caller waits with port_dev_wait.  Addresses are
 * 4 bytes in network order.  Descriptors share the numbering of port_open
 * on ports where that is natural (POSIX, lwIP with the VFS).
 * ESP-IDF: lwIP's BSD socket API (lwip_socket, lwip_bind, lwip_listen,
 * lwip_accept, lwip_connect, lwip_recv, lwip_send, lwip_shutdown,
 * lwip_close, lwip_sendto, lwip_recvfrom) with O_NONBLOCK set by
 * lwip_fcntl; errno values map one to one onto the classes above. */
/* ESP-IDF: lwip_socket(AF_INET, SOCK_STREAM, 0), lwip_fcntl(O_NONBLOCK),
 * lwip_setsockopt(SO_REUSEADDR), lwip_bind, lwip_listen (CONFIG_LWIP_MAX_
 * SOCKETS bounds the descriptors: EMFILE).  Bare-metal lwIP (xtensa-qemu):
 * tcp_new, tcp_bind, tcp_listen_with_backlog_and_err, tcp_accept. */
int port_tcp_listen(const uint8_t addr[4], int port, int backlog);   /* fd */
/* How many connections a server should hold open at once: servers built on
 * Ucaml_net stop there (closing the connection idle longest to make room).
 * Keep it below what the stack can hold, with room for connections being
 * opened or closed (TIME_WAIT), or the stack refuses them itself.
 * ESP-IDF: CONFIG_LWIP_MAX_SOCKETS less the listeners and a few spare. */
int port_tcp_connection_limit(void);
/* A pending connection (fd), peer address and port filled in.
 * ESP-IDF: lwip_accept (EWOULDBLOCK: -PORT_DEV_EAGAIN), then O_NONBLOCK and
 * TCP_NODELAY on the new socket. */
int port_tcp_accept(int fd, uint8_t peer[4], int *peer_port);
/* Starts a connection: fd (then wait until writable and ask
 * port_tcp_connect_result), or -error.  *fd is set in both success cases. */
/* ESP-IDF: lwip_socket + O_NONBLOCK + lwip_connect (EINPROGRESS). */
int port_tcp_connect(const uint8_t addr[4], int port, int *fd);
/* ESP-IDF: lwip_getsockopt(SOL_SOCKET, SO_ERROR): ECONNREFUSED, ETIMEDOUT,
 * EHOSTUNREACH map onto the classes above. */
int port_tcp_connect_result(int fd);                 /* 0 or -error */
/* ESP-IDF: lwip_recv (ECONNRESET: -PORT_DEV_ERESET).  lwIP's receive window
 * (CONFIG_LWIP_TCP_WND_DEFAULT, 5744 bytes) and send buffer
 * (CONFIG_LWIP_TCP_SND_BUF_DEFAULT) are far smaller than a host's: a
 * program that writes much more than that before reading its peer's
 * replies waits forever there, as on xtensa-qemu. */
long port_sock_read(int fd, void *buf, size_t n);    /* 0 at end of stream */
/* ESP-IDF: lwip_send with MSG_DONTWAIT (EAGAIN when the send buffer or
 * lwIP's memory is full; EPIPE after our shutdown: -PORT_DEV_ECLOSED). */
long port_sock_write(int fd, const void *buf, size_t n);
enum { PORT_DEV_SHUT_READ = 1, PORT_DEV_SHUT_WRITE = 2, PORT_DEV_SHUT_BOTH = 3 };
int port_sock_shutdown(int fd, int how);   /* ESP-IDF: lwip_shutdown */
int port_sock_close(int fd);               /* ESP-IDF: lwip_close */
/* The address and port of either end (peer = 1: the remote one).
 * ESP-IDF: lwip_getpeername / lwip_getsockname. */
int port_sock_address(int fd, int peer, uint8_t addr[4], int *port);
/* ESP-IDF: lwip_socket(AF_INET, SOCK_DGRAM, 0) + O_NONBLOCK + lwip_bind. */
int port_udp_bind(const uint8_t addr[4], int port);                  /* fd */
/* ESP-IDF: lwip_sendto (larger datagrams fragmented with
 * CONFIG_LWIP_IP4_FRAG; xtensa-qemu sends at most 1472 bytes, EINVAL
 * beyond). */
long port_udp_sendto(int fd, const void *buf, size_t n, const uint8_t addr[4], int port);
/* ESP-IDF: lwip_recvfrom (EWOULDBLOCK: -PORT_DEV_EAGAIN). */
long port_udp_recvfrom(int fd, void *buf, size_t n, uint8_t addr[4], int *port);

/* ---- Block devices ----
 * Whole sectors only.  A name selects the device: a file on hosts and
 * emulators, a partition label on boards.  Out-of-range sectors give
 * -PORT_DEV_ERANGE and touch nothing.
 * ESP-IDF: esp_partition_find_first(ESP_PARTITION_TYPE_DATA,
 * ESP_PARTITION_SUBTYPE_ANY, name); esp_partition_read / esp_partition_write
 * (after esp_partition_erase_range for the sectors written: flash sectors are
 * 4096 bytes, SPI_FLASH_SEC_SIZE); or wear-levelling (wl_mount, wl_read,
 * wl_write) for many writes; sdmmc_read_sectors / sdmmc_write_sectors for SD
 * cards. */
struct port_block_info {
  uint32_t sector_size;
  uint64_t sectors;
  int writable;
};
int port_block_open(const char *name, struct port_block_info *info);  /* handle */
int port_block_read(int h, uint64_t sector, void *buf, uint32_t count);
int port_block_write(int h, uint64_t sector, const void *buf, uint32_t count);
int port_block_close(int h);

/* ---- GPIO ----
 * Pins 0 .. port_gpio_pins()-1 (0: the board has none).
 * ESP-IDF: gpio_config / gpio_set_direction + gpio_set_pull_mode,
 * gpio_get_level, gpio_set_level (driver/gpio.h); GPIO_NUM_MAX pins. */
enum { PORT_GPIO_INPUT = 0, PORT_GPIO_OUTPUT = 1, PORT_GPIO_INPUT_PULLUP = 2,
       PORT_GPIO_INPUT_PULLDOWN = 3 };
int port_gpio_pins(void);
int port_gpio_configure(int pin, int mode);
int port_gpio_read(int pin);                  /* 0, 1 or -error */
int port_gpio_write(int pin, int level);

#endif
