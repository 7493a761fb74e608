/**
 * Preloaded (`node --require`) into a real CLI process to run it at another moment: the clock
 * starts at CLAIMBOARD_TEST_NOW and runs on from there. Only for tests of wall-clock days (a
 * clock change, midnight) that cannot wait for the calendar.
 */
'use strict';
const at = Date.parse(globalThis.process.env.CLAIMBOARD_TEST_NOW || '');
if (!Number.isNaN(at)) {
  const RealDate = Date;
  const shift = at - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate;
}
