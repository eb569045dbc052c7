/* dev.c: the parts of vm/port_dev.h that the bare-metal boards share:
 * entropy from the seeded generator (and saying so), the wall clock from the
 * boot time baked into the image, no sockets (images without a network
 * stack), block devices as host files through the board's port_open/
 * port_read/port_write/port_lseek (semihosting), and no GPIO.  The board's
 * own port_dev.c has the wait (port_dev_wait).  Beside each function: its
 * ESP-IDF counterpart. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "port.h"
#include "port_dev.h"

/* ---- Entropy and the wall clock ---- */

/* Seeded, NOT cryptographically secure (port_random_seed: xorshift mixed
 * with CCOUNT).  ESP-IDF: esp_fill_random(), returning 1. */
int port_dev_entropy(void *buf, size_t n)
{
  unsigned char *b = buf;
  while (n > 0) {
    uint32_t w;
    port_random_seed(&w, 1);
    size_t k = n < 4 ? n : 4;
    memcpy(b, &w, k);
    b += k;
    n -= k;
  }
  return 0;
}

/* Seconds at boot baked in at build time (XTENSA_EPOCH, RISCV32_EPOCH), plus time since
 * boot.  ESP-IDF: gettimeofday(), set by SNTP (esp_sntp_init). */
extern const uint32_t ucaml_epoch_base __attribute__((weak));

int port_dev_wall_clock(int64_t *sec, uint32_t *nsec)
{
  uint64_t ns = port_monotonic_ns();
  uint32_t base = &ucaml_epoch_base ? ucaml_epoch_base : 0;
  *sec = (int64_t)base + (int64_t)(ns / 1000000000u);
  *nsec = (uint32_t)(ns % 1000000000u);
  return base != 0;
}

/* ---- Sockets: none (boards whose images have a network stack replace
 * these, see ports/xtensa-qemu/net/net.mk) ----
 * ESP-IDF: lwIP sockets (see vm/port_dev.h). */

int port_tcp_listen(const uint8_t addr[4], int port, int backlog) { return -PORT_DEV_ENOTSUP; }
int port_tcp_accept(int fd, uint8_t peer[4], int *peer_port) { return -PORT_DEV_ENOTSUP; }
int port_tcp_connection_limit(void) { return 0; }

int port_tcp_connect(const uint8_t addr[4], int port, int *fd)
{
  *fd = -1;
  return -PORT_DEV_ENOTSUP;
}

int port_tcp_connect_result(int fd) { return -PORT_DEV_ENOTSUP; }
long port_sock_read(int fd, void *buf, size_t n) { return -PORT_DEV_ENOTSUP; }
long port_sock_write(int fd, const void *buf, size_t n) { return -PORT_DEV_ENOTSUP; }
int port_sock_shutdown(int fd, int how) { return -PORT_DEV_ENOTSUP; }
int port_sock_close(int fd) { return -PORT_DEV_ENOTSUP; }
int port_sock_address(int fd, int peer, uint8_t addr[4], int *port) { return -PORT_DEV_ENOTSUP; }
int port_udp_bind(const uint8_t addr[4], int port) { return -PORT_DEV_ENOTSUP; }

long port_udp_sendto(int fd, const void *buf, size_t n, const uint8_t addr[4], int port)
{
  return -PORT_DEV_ENOTSUP;
}

long port_udp_recvfrom(int fd, void *buf, size_t n, uint8_t addr[4], int *port)
{
  return -PORT_DEV_ENOTSUP;
}

/* ---- Block devices: a host file through semihosting, 512-byte sectors ----
 * ESP-IDF: esp_partition_find_first + esp_partition_read/write (see
 * vm/port_dev.h); the sector size becomes SPI_FLASH_SEC_SIZE. */

#define SECTOR 512u

static int block_error(int64_t r)
{
  switch (-r) {
  case ENOENT: return -PORT_DEV_ENOENT;
  case EACCES: case EROFS: return -PORT_DEV_EREADONLY;
  case EMFILE: return -PORT_DEV_EMFILE;
  default: return -PORT_DEV_EIO;
  }
}

int port_block_open(const char *name, struct port_block_info *info)
{
  int writable = 1;
  int fd = port_open(name, PORT_O_RDWR, 0);
  if (fd == -EACCES || fd == -EROFS) {
    writable = 0;
    fd = port_open(name, PORT_O_RDONLY, 0);
  }
  if (fd < 0) return block_error(fd);
  int64_t size = port_lseek(fd, 0, 2);
  if (size < 0) {
    port_close(fd);
    return block_error(size);
  }
  info->sector_size = SECTOR;
  info->sectors = (uint64_t)size / SECTOR;
  info->writable = writable;
  return fd;
}

/* Offsets travel in 32 bits through semihosting: devices up to 2 GB. */
static int block_seek(int h, uint64_t sector)
{
  uint64_t off = sector * SECTOR;
  if (off > INT32_MAX) return -PORT_DEV_ERANGE;
  int64_t r = port_lseek(h, (int64_t)off, 0);
  return r < 0 ? block_error(r) : 0;
}

int port_block_read(int h, uint64_t sector, void *buf, uint32_t count)
{
  int r = block_seek(h, sector);
  if (r < 0) return r;
  size_t len = (size_t)count * SECTOR;
  while (len > 0) {
    long n = port_read(h, buf, len);
    if (n <= 0) return n < 0 ? block_error(n) : -PORT_DEV_ERANGE;
    buf = (char *)buf + n;
    len -= (size_t)n;
  }
  return 0;
}

int port_block_write(int h, uint64_t sector, const void *buf, uint32_t count)
{
  int r = block_seek(h, sector);
  if (r < 0) return r;
  size_t len = (size_t)count * SECTOR;
  while (len > 0) {
    long n = port_write(h, buf, len);
    if (n <= 0) return n < 0 ? block_error(n) : -PORT_DEV_EIO;
    buf = (const char *)buf + n;
    len -= (size_t)n;
  }
  return 0;
}

int port_block_close(int h)
{
  return port_close(h) < 0 ? -PORT_DEV_EIO : 0;
}

/* ---- GPIO: the emulated machines have none ----
 * ESP-IDF: driver/gpio.h (see vm/port_dev.h): port_gpio_pins returns
 * GPIO_NUM_MAX there. */

int port_gpio_pins(void) { return 0; }
int port_gpio_configure(int pin, int mode) { return -PORT_DEV_ENOTSUP; }
int port_gpio_read(int pin) { return -PORT_DEV_ENOTSUP; }
int port_gpio_write(int pin, int level) { return -PORT_DEV_ENOTSUP; }
