/* start.S: reset entry, trap vector and the semihosting call of the
 * riscv32-qemu port (QEMU `-M virt -bios none`, machine mode).
 *
 * With -bios none QEMU's reset stub jumps to the ELF entry.  Start-up: set
 * gp (linker relaxation) and the stack pointer, point mtvec at the trap
 * vector, copy .data and .tdata from the flash region, zero .tbss and .bss,
 * paint the C stack (for the high-water measurement), set tp to the TLS
 * block (picolibc keeps errno there), call main, pass its result to
 * port_exit.  Interrupts stay disabled: the idle wait wakes from WFI on a
 * pending timer without taking a trap, so any trap is a CPU exception and
 * is fatal (status 134).  On an ESP32-C3 ESP-IDF's start-up and panic
 * handler replace this file. */

#define STACK_PAINT 0xa5a5a5a5

        .section .entry.text, "ax"
        .global _start
        .type _start, @function
_start:
        .option push
        .option norelax
        la      gp, __global_pointer$
        .option pop
        la      sp, __stack_top
        la      t0, rv_trap
        csrw    mtvec, t0
        /* .data and .tdata: flash -> RAM (word copy; board.ld aligns) */
        la      a0, __data_start
        la      a1, __data_end
        la      a2, __data_load
        j       2f
1:      lw      t0, 0(a2)
        sw      t0, 0(a0)
        addi    a0, a0, 4
        addi    a2, a2, 4
2:      bltu    a0, a1, 1b
        /* .tbss and .bss: zero */
        la      a0, __bss_start
        la      a1, __bss_end
        j       4f
3:      sw      zero, 0(a0)
        addi    a0, a0, 4
4:      bltu    a0, a1, 3b
        /* C stack: paint */
        la      a0, __stack_bottom
        li      t0, STACK_PAINT
        j       6f
5:      sw      t0, 0(a0)
        addi    a0, a0, 4
6:      bltu    a0, sp, 5b
        la      tp, __tls_base
        call    main
        call    port_exit
7:      j       7b
        .size _start, . - _start

/* Every trap is a CPU exception here (interrupts are never enabled). */
        .section .text.rv_trap, "ax"
        .balign 4
rv_trap:
        la      sp, __stack_top
        csrr    a0, mcause
        csrr    a1, mepc
        csrr    a2, mtval
        call    rv_fatal_exception
8:      j       8b

/* long rv_semihost(long op, void *args): the RISC-V semihosting sequence,
 * three uncompressed instructions in one page (QEMU checks the two around
 * the ebreak). */
        .section .text.rv_semihost, "ax"
        .global rv_semihost
        .type rv_semihost, @function
        .balign 16
rv_semihost:
        .option push
        .option norvc
        slli    zero, zero, 0x1f
        ebreak
        srai    zero, zero, 7
        .option pop
        ret
        .size rv_semihost, . - rv_semihost
