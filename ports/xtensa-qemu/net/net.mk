# net.mk: networking of the xtensa-qemu board (included by port.mk).
#
#   make -f ports/xtensa-qemu/port.mk xtensa-lwip
#       build/xtensa-qemu/lwip/liblwip.a (lwIP 2.1.3 from Debian's source
#       package, see tools/xtensa-lwip.sh) and libucaml-net.a (the driver,
#       the lwIP interface and the board's sockets)
#   make -f ports/xtensa-qemu/port.mk xtensa-image ... [XTENSA_NET=1|0]
#       images of programs linking Ucaml_net (or with XTENSA_NET=1) get
#       lwIP, the driver and port_net.c's sockets; the others keep
#       port_dev.c's "not supported" sockets and no network stack
#   make -f ports/xtensa-qemu/port.mk xtensa-nettest
#       build/xtensa-qemu/nettest.elf: lwIP echo/HTTP test firmware in C

XQ_NET_DIR := $(XQ_DIR)/net
XQ_LWIP := $(XQ_BUILD)/lwip
XQ_LWIP_LIB := $(XQ_LWIP)/liblwip.a
XQ_LWIP_INC = $(shell cat $(XQ_LWIP)/include-dir 2>/dev/null)
XQ_NET_CFLAGS = $(XQ_CFLAGS) -I$(XQ_NET_DIR) -I$(XQ_LWIP_INC)
XQ_NET_SRC := $(XQ_NET_DIR)/opencores_eth.c $(XQ_NET_DIR)/ethif.c
XQ_NET_OBJ := $(patsubst %.c,$(XQ_BUILD)/obj/%.o,$(XQ_NET_SRC))
XQ_NET_LIB := $(XQ_BUILD)/libucaml-net.a
XQ_NET_HDR := $(wildcard $(XQ_NET_DIR)/*.h $(XQ_NET_DIR)/arch/*.h)

xtensa-lwip: $(XQ_LWIP_LIB) $(XQ_NET_LIB)

$(XQ_LWIP_LIB): tools/xtensa-lwip.sh $(XQ_NET_DIR)/lwipopts.h $(XQ_NET_DIR)/arch/cc.h
	sh tools/xtensa-lwip.sh $(XQ_LWIP)

$(XQ_BUILD)/obj/$(XQ_NET_DIR)/%.o: $(XQ_NET_DIR)/%.c $(XQ_NET_HDR) $(XQ_HDR) $(XQ_LWIP_LIB)
	@mkdir -p $(dir $@)
	$(XQ_CC) $(XQ_NET_CFLAGS) -c $< -o $@

$(XQ_NET_LIB): $(XQ_NET_OBJ)
	@rm -f $@
	$(XQ_AR) rcs $@ $(XQ_NET_OBJ)

XQ_NETTEST := $(XQ_BUILD)/nettest.elf
xtensa-nettest: $(XQ_NETTEST)
# Only the port's platform layer, not the VM: it must not wait for the VM.
XQ_NETTEST_PORT := $(XQ_BUILD)/obj/$(XQ_DIR)/port.o $(XQ_BUILD)/obj/ports/bare/pool.o $(XQ_BUILD)/obj/ports/bare/common.o
$(XQ_NETTEST): $(XQ_START) $(XQ_LIBGCC) $(XQ_NETTEST_PORT) $(XQ_NET_LIB) $(XQ_BUILD)/obj/$(XQ_NET_DIR)/nettest.o
	$(XQ_CC) $(XQ_SPECS) $(XQ_ARCH) -nostartfiles -T $(XQ_DIR)/board.ld \
	  -Wl,--gc-sections -Wl,-Map=$(XQ_BUILD)/nettest.map -o $@ \
	  $(XQ_START) $(XQ_BUILD)/obj/$(XQ_NET_DIR)/nettest.o $(XQ_NET_LIB) $(XQ_LWIP_LIB) $(XQ_NETTEST_PORT) \
	  -Wl,--start-group $(XQ_LIBGCC) -lc -lm -lgcc -Wl,--end-group

# ---- firmware images with networking ----
# port_net.c defines the sockets and port_dev_wait; the VM library's copies
# in port_dev.o become weak in a copy of the library, so that port_net.o's
# win at link time without touching the non-network build.
XQ_NET_PORT_OBJ := $(XQ_BUILD)/obj/$(XQ_DIR)/port_net.o
XQ_VM_LIB_NET := $(XQ_BUILD)/libucaml-vm-net.a
XQ_NET_WEAKEN := port_dev_wait port_tcp_listen port_tcp_accept port_tcp_connection_limit port_tcp_connect \
  port_tcp_connect_result port_sock_read port_sock_write port_sock_shutdown \
  port_sock_close port_sock_address port_udp_bind port_udp_sendto port_udp_recvfrom

$(XQ_NET_PORT_OBJ): $(XQ_DIR)/port_net.c $(XQ_NET_HDR) $(XQ_HDR) $(XQ_LWIP_LIB)
	@mkdir -p $(dir $@)
	$(XQ_CC) $(XQ_NET_CFLAGS) -c $< -o $@

$(XQ_VM_LIB_NET): $(XQ_LIB) $(XQ_NET_DIR)/net.mk
	$(XQ_CROSS)objcopy $(addprefix -W ,$(XQ_NET_WEAKEN)) $(XQ_LIB) $@

# Which symbols are lwIP's and which the driver's, for `ucaml size`.
XQ_NET_SYMS := $(XQ_BUILD)/net-symbols
$(XQ_NET_SYMS): $(XQ_LWIP_LIB) $(XQ_NET_LIB) $(XQ_NET_PORT_OBJ)
	{ $(XQ_CROSS)nm --defined-only $(XQ_LWIP_LIB) | awk 'NF == 3 { print "lwip", $$3 }'; \
	  $(XQ_CROSS)nm --defined-only $(XQ_NET_LIB) $(XQ_NET_PORT_OBJ) | awk 'NF == 3 { print "port", $$3 }'; } > $@

xtensa-net-image-deps: xtensa $(XQ_NET_PORT_OBJ) $(XQ_NET_LIB) $(XQ_LWIP_LIB) $(XQ_VM_LIB_NET) $(XQ_NET_SYMS)

# Used by xtensa-image in port.mk: whether this image has networking, what
# it links in place of the VM library, and the step that builds that.
XQ_IMG_NET = $(if $(filter 0 1,$(XTENSA_NET)),$(filter 1,$(XTENSA_NET)),$(shell sh $(XQ_NET_DIR)/uses-net.sh $(XTENSA_BYTECODE)))
XQ_NET_LINK = $(if $(XQ_IMG_NET),-Wl$(,)--start-group $(XQ_NET_PORT_OBJ) $(XQ_NET_LIB) $(XQ_LWIP_LIB) $(XQ_VM_LIB_NET) -Wl$(,)--end-group,$(XQ_LIB))
XQ_NET_PREPARE = $(if $(XQ_IMG_NET),$(MAKE) -s -f $(XQ_DIR)/port.mk xtensa-net-image-deps)
# lwIP and the NIC's rings take 60 KB of the internal RAM budget: unless
# set, network images get a VM stack of 4096 words (16 KB; Lwt servers run
# shallow, the HTTP example within 1024) rather than 8192, for the heap.
XQ_NET_STACK_WORDS ?= 4096
XQ_NET_DEFSYM = $(if $(XTENSA_STACK_WORDS)$(XTENSA_PSRAM),,$(if $(XQ_IMG_NET),-Wl$(,)--defsym=VM_STACK_WORDS=$(XQ_NET_STACK_WORDS)))

.PHONY: xtensa-lwip xtensa-nettest xtensa-net-image-deps
