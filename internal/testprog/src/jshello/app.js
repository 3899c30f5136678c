// A command that prints one line, made into a component by
// componentize-js (jco componentize).
export const run = {
  run() {
    console.log("hello from JavaScript");
  },
};
