/* start.S: reset entry and exception vectors of the xtensa-qemu port.
 *
 * QEMU's `sim` machine starts executing at the first byte of sysrom0
 * (0x50000000), whatever the ELF entry says: board.ld puts .entry.text
 * there.  Start-up: mask interrupts, point VECBASE at our vectors, set the
 * stack pointer, copy .data from ROM, zero .bss, paint the C stack (for the
 * high-water measurement), call main, pass its result to port_exit.
 * Any CPU exception (e.g. an unaligned access, which lx106 does not allow)
 * prints its cause and address and exits with status 134.
 * call0 ABI (lx106); on an ESP32 (windowed ABI) this file is replaced by
 * ESP-IDF's start-up code and panic handler. */

#define SYS_EXIT 1
#define STACK_PAINT 0xa5a5a5a5

        .section .entry.text, "ax"
        .global _start
        .type _start, @function
_start:
        j       .Lreset
        .align  4
.Llit_stack_top:    .word __stack_top
.Llit_stack_bottom: .word __stack_bottom
.Llit_vectors:      .word __vectors_start
.Llit_data_start:   .word __data_start
.Llit_data_end:     .word __data_end
.Llit_data_load:    .word __data_load
.Llit_bss_start:    .word __bss_start
.Llit_bss_end:      .word __bss_end
.Llit_paint:        .word STACK_PAINT
.Llit_main:         .word main
.Llit_exit:         .word port_exit
.Llit_ps:           .word 0x2f          /* INTLEVEL 15, EXCM 0, UM 1 */
        .align  4
.Lreset:
        l32r    a2, .Llit_ps
        wsr.ps  a2
        l32r    a2, .Llit_vectors
        wsr.vecbase a2
        rsync
        l32r    a1, .Llit_stack_top
        /* .data: ROM -> RAM (word copy; board.ld aligns both ends) */
        l32r    a2, .Llit_data_start
        l32r    a3, .Llit_data_end
        l32r    a4, .Llit_data_load
        j       2f
1:      l32i    a5, a4, 0
        s32i    a5, a2, 0
        addi    a2, a2, 4
        addi    a4, a4, 4
2:      bltu    a2, a3, 1b
        /* .bss: zero */
        l32r    a2, .Llit_bss_start
        l32r    a3, .Llit_bss_end
        movi    a5, 0
        j       4f
3:      s32i    a5, a2, 0
        addi    a2, a2, 4
4:      bltu    a2, a3, 3b
        /* C stack: paint */
        l32r    a2, .Llit_stack_bottom
        mov     a3, a1
        l32r    a5, .Llit_paint
        j       6f
5:      s32i    a5, a2, 0
        addi    a2, a2, 4
6:      bltu    a2, a3, 5b
        l32r    a0, .Llit_main
        callx0  a0
        l32r    a0, .Llit_exit      /* port_exit(main's result) */
        callx0  a0
7:      j       7b
        .size _start, . - _start

/* Vectors: VECBASE + offsets of the lx106 configuration. */
        .section .vectors.text, "ax"
        .global _xq_vectors
_xq_vectors:
        .org    0x10            /* debug */
        j       .Lfatal
        .org    0x20            /* NMI */
        j       .Lfatal
        .org    0x30            /* kernel exception */
        j       .Lfatal
        .org    0x50            /* user exception */
        j       .Luser
        .org    0x70            /* double exception */
        movi    a3, 135
        movi    a2, SYS_EXIT
        simcall
        .align  4
.Llit_fatal:        .word xq_fatal_exception
.Llit_stack_top2:   .word __stack_top
        .align  4
/* The idle wait (port_dev.c) sleeps in WAITI until the CCOMPARE0 timer
 * interrupt (a level-1 interrupt, EXCCAUSE 4): dismiss it by clearing
 * INTENABLE and resume after the WAITI.  Anything else is fatal. */
.Luser:
        wsr.excsave1 a2
        rsr.exccause a2
        bnei    a2, 4, .Lnot_interrupt
        movi    a2, 0
        wsr.intenable a2
        rsr.excsave1 a2
        rfe
.Lnot_interrupt:
        rsr.excsave1 a2
.Lfatal:
        rsr.exccause a2
        rsr.epc1     a3
        rsr.excvaddr a4
        l32r    a1, .Llit_stack_top2
        l32r    a0, .Llit_fatal
        callx0  a0
8:      j       8b

/* Tells port_dev.c that the timer interrupt is handled above. */
        .section .rodata
        .global xq_timer_wakeup
        .align  4
xq_timer_wakeup: .word 1
