#!/usr/bin/env node
console.log("faultline: not yet");
