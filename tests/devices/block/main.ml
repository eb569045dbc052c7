(* The block device (Ucaml_block over a file: a host file on unix, a host
   file through semihosting on xtensa-qemu): geometry, round trips, and
   every error case as a result, never a crash.  Argument: the image file,
   created here with 64 sectors. *)

open Check

let ( >>= ) = Lwt.bind
let sectors = 64

let make_image path =
  let oc = open_out_bin path in
  output_string oc (String.make (sectors * 512) '\000');
  close_out oc

let pattern n seed = Cstruct.of_string (String.init n (fun i -> Char.chr ((i * 31 + seed) land 255)))

let test path =
  Ucaml_block.connect path >>= fun b ->
  Ucaml_block.get_info b >>= fun info ->
  check "sector size" (info.Mirage_block.sector_size = 512);
  check "size in sectors" (info.Mirage_block.size_sectors = Int64.of_int sectors);
  check "writable" info.Mirage_block.read_write;
  let data = pattern 1024 7 and more = pattern 512 99 in
  Ucaml_block.write b 3L [ data; more ] >>= fun r ->
  check "write 3 sectors" (r = Ok ());
  let back = Cstruct.create 1536 in
  Ucaml_block.read b 3L [ back ] >>= fun r ->
  check "read them back" (r = Ok () && Cstruct.equal back (Cstruct.append data more));
  let first = Cstruct.create 512 in
  Ucaml_block.read b 0L [ first ] >>= fun r ->
  check "untouched sector stays zero" (r = Ok () && Cstruct.to_string first = String.make 512 '\000');
  let last = Cstruct.create 512 in
  Ucaml_block.write b 63L [ pattern 512 1 ] >>= fun r ->
  check "write the last sector" (r = Ok ());
  Ucaml_block.read b 63L [ last ] >>= fun r ->
  check "read the last sector" (r = Ok () && Cstruct.equal last (pattern 512 1));
  Ucaml_block.read b 64L [ Cstruct.create 512 ] >>= fun r ->
  check "read past the end" (r = Error `Out_of_range);
  Ucaml_block.read b 63L [ Cstruct.create 1024 ] >>= fun r ->
  check "read across the end" (r = Error `Out_of_range);
  Ucaml_block.write b (-1L) [ Cstruct.create 512 ] >>= fun r ->
  check "write before the start" (r = Error `Out_of_range);
  Ucaml_block.read b 0L [ Cstruct.create 100 ] >>= fun r ->
  check "partial sector" (r = Error `Unaligned);
  Ucaml_block.disconnect b >>= fun () ->
  Ucaml_block.read b 0L [ Cstruct.create 512 ] >>= fun r ->
  check "read after disconnect" (r = Error `Disconnected);
  Lwt.catch
    (fun () -> Ucaml_block.connect "no-such-block-device.img" >>= fun _ -> Lwt.return false)
    (function Ucaml_dev.Device_error (_, Ucaml_dev.No_device) -> Lwt.return true | _ -> Lwt.return false)
  >>= fun refused ->
  check "missing device is an exception the program catches" refused;
  Lwt.return_unit

let () =
  let path = if Array.length Sys.argv > 1 then Sys.argv.(1) else "block-test.img" in
  make_image path;
  Ucaml_os.Main.run (test path);
  finish "block"
